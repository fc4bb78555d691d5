-- The reader's one call for many items (entity-days or leads) of one chunk. ARGV[1] spells what to read of each
-- item's keys, one letter per key, the keys of an item in a row in KEYS: 'h' HGETALL, 'l' LRANGE 0 -1, 'g' GET. The
-- reply holds, per key, what its command answered: an array for 'h' and 'l' (passed on as it came, not copied
-- element by element, which measurably cost Redis's CPU), the value for 'g' (false, a nil reply, when absent). Reads
-- only: PFCOUNT is left to the client, which counts from a sketch's bytes as Redis would (a single-key PFCOUNT may
-- write its cached count into the key).
--
-- Every 'g' key of the call is read by one MGET at the end (all keys of a call share a slot on a Cluster, so they
-- may), its values put in their places: one redis.call for all the sketches of a call instead of one per key, which
-- is where most of the script's time went (each redis.call converts its arguments and reply). Nothing writes between
-- the reads, and a script runs atomically, so the reply is the same as with one GET per key.
local ops = ARGV[1]
local per = #ops
local out = {}
local n = 0
local gets = {}
local at = {}
for first = 1, #KEYS, per do
  for o = 1, per do
    local op = string.byte(ops, o)
    local key = KEYS[first + o - 1]
    n = n + 1
    if op == 103 then
      gets[#gets + 1] = key
      at[#gets] = n
      out[n] = false
    elseif op == 104 then
      out[n] = redis.call('HGETALL', key)
    else
      out[n] = redis.call('LRANGE', key, 0, -1)
    end
  end
end
-- unpack takes at most a few thousand values (LUAI_MAXCSTACK 8000): MGET in slices well below that.
for from = 1, #gets, 1000 do
  local to = math.min(from + 999, #gets)
  local values = redis.call('MGET', unpack(gets, from, to))
  for i = from, to do
    out[at[i]] = values[i - from + 1]
  end
end
return out
