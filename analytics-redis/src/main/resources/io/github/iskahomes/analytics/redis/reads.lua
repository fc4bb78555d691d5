-- The reader's one call for many items (entity-days or leads) of one chunk. ARGV[1] spells what to read of each
-- item's keys, one letter per key, the keys of an item in a row in KEYS: 'h' HGETALL, 'l' LRANGE 0 -1, 'g' GET. The
-- reply holds, per key, what its command answered: an array for 'h' and 'l' (passed on as it came, not copied
-- element by element, which measurably cost Redis's CPU), the value for 'g' (false, a nil reply, when absent). Reads
-- only: PFCOUNT is left to the client, which counts from a sketch's bytes as Redis would (a single-key PFCOUNT may
-- write its cached count into the key).
local ops = ARGV[1]
local per = #ops
local out = {}
local n = 0
for first = 1, #KEYS, per do
  for o = 1, per do
    local op = string.byte(ops, o)
    local key = KEYS[first + o - 1]
    n = n + 1
    if op == 103 then
      out[n] = redis.call('GET', key)
    elseif op == 104 then
      out[n] = redis.call('HGETALL', key)
    else
      out[n] = redis.call('LRANGE', key, 0, -1)
    end
  end
end
return out
