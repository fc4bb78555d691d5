-- Dedupe markers are fields of small hashes ("marker buckets"): a uuid in its compact form (field, value) is one
-- field. A bucket takes CAP markers while Redis keeps it a ziplist (hash-max-ziplist-entries, 128 by default); a
-- full bucket sends further markers to one of 16 sub-buckets, up to three levels down (the last level just grows).
-- Buckets never lose fields before the day's expiry, so a marker is looked for in each full level on the way down.
local CAP = 120
-- HLEN of the buckets this script has seen, kept up to date by its own HSETNX.
local lens = {}
-- Per event-count pair of this script, in order: whether its uuid was new. On a standalone Redis the event's
-- count marker is its only marker, and its entity-day segments name the pair ('#', k) instead of a marker.
local fresh = {}

-- A spread of a marker's text over the sub-buckets (only needed once a first-level bucket is full).
local function spread(s)
  local h = 7
  for c = 1, #s do
    h = (h * 31 + string.byte(s, c)) % 1000003
  end
  return h
end

-- Adds the marker (f, v) to the bucket key (or the sub-bucket it belongs in) unless present: true when it was new.
-- Two uuids with one field (the same first 64 bits) are told apart by the value; the second gets field 'f:v'.
local function mark(key, f, v, at)
  local h
  for level = 1, 4 do
    local len = lens[key] or redis.call('HLEN', key)
    if len < CAP or level == 4 then
      if redis.call('HSETNX', key, f, v) == 1 then
        if len == 0 then
          redis.call('EXPIREAT', key, at)
        end
        lens[key] = len + 1
        return true
      end
      lens[key] = len
      if redis.call('HGET', key, f) == v then
        return false
      end
      if redis.call('HSETNX', key, f .. ':' .. v, '1') == 1 then
        lens[key] = len + 1
        return true
      end
      return false
    end
    lens[key] = len
    local stored = redis.call('HGET', key, f)
    if stored == v or (stored and redis.call('HEXISTS', key, f .. ':' .. v) == 1) then
      return false
    end
    h = h or spread(f .. v)
    key = key .. ':' .. (h % 16)
    h = math.floor(h / 16)
  end
end

local function apply(ko, nk, i, last, out)
  local at = ARGV[i]
  local n = tonumber(ARGV[i + 1])
  local cap = -tonumber(ARGV[i + 2])
  local created = {}
  -- Counter increments of applied segments, summed per key and field: one HINCRBY per field and call.
  local counted = {}
  local fieldsOf = {}
  local sumsOf = {}
  i = i + 3
  while i <= last do
    local f = ARGV[i]
    local v = ARGV[i + 1]
    local ops = tonumber(ARGV[i + 2])
    i = i + 3
    local new
    if f == '' then
      new = true
    elseif f == '#' then
      new = fresh[tonumber(v)]
    else
      new = mark(KEYS[ko + 1], f, v, at)
    end
    if not new then
      out[#out + 1] = 0
      for _ = 1, ops do
        local op = ARGV[i]
        if op == 'h' or op == 'c' then
          i = i + 4
        elseif op == 'H' then
          i = i + 3 + 2 * tonumber(ARGV[i + 2])
        elseif op == 'S' then
          i = i + 3 + tonumber(ARGV[i + 2])
        else
          i = i + 3
        end
      end
    else
      out[#out + 1] = 1
      for _ = 1, ops do
        local op = ARGV[i]
        local k = tonumber(ARGV[i + 1])
        local key = KEYS[ko + k]
        if op == 'c' then
          local field = ARGV[i + 2]
          local sums = sumsOf[k]
          if not sums then
            sums = {}
            sumsOf[k] = sums
            fieldsOf[k] = {}
            counted[#counted + 1] = k
          end
          local sum = sums[field]
          if not sum then
            local fields = fieldsOf[k]
            fields[#fields + 1] = field
            sum = 0
          end
          sums[field] = sum + tonumber(ARGV[i + 3])
          i = i + 4
        elseif op == 'i' then
          local by = ARGV[i + 2]
          if redis.call('INCRBY', key, by) == tonumber(by) then
            created[k] = true
          end
          i = i + 3
        elseif op == 'u' then
          if not created[k] and redis.call('EXISTS', key) == 0 then
            created[k] = true
          end
          redis.call('PFADD', key, ARGV[i + 2])
          i = i + 3
        elseif op == 'h' then
          if redis.call('HSET', key, ARGV[i + 2], ARGV[i + 3]) > 0 then
            created[k] = true
          end
          i = i + 4
        elseif op == 'H' then
          local last = i + 2 + 2 * tonumber(ARGV[i + 2])
          if redis.call('HSET', key, unpack(ARGV, i + 3, last)) > 0 then
            created[k] = true
          end
          i = last + 1
        elseif op == 's' then
          if redis.call('SADD', key, ARGV[i + 2]) > 0 then
            created[k] = true
          end
          i = i + 3
        elseif op == 'S' then
          local last = i + 2 + tonumber(ARGV[i + 2])
          if redis.call('SADD', key, unpack(ARGV, i + 3, last)) > 0 then
            created[k] = true
          end
          i = last + 1
        elseif op == 'l' then
          redis.call('RPUSH', key, ARGV[i + 2])
          redis.call('LTRIM', key, cap, -1)
          i = i + 3
        else
          return redis.error_reply('analytics: unknown op ' .. tostring(op))
        end
        if k > n then
          created[k] = true
        end
      end
    end
  end
  for c = 1, #counted do
    local k = counted[c]
    local key = KEYS[ko + k]
    local fields = fieldsOf[k]
    local sums = sumsOf[k]
    for f = 1, #fields do
      local by = sums[fields[f]]
      local total = redis.call('HINCRBY', key, fields[f], tostring(by))
      -- The first field tells whether the hash is new: it answers its own sum, and is then the hash's only field.
      if f == 1 and total == by and redis.call('HLEN', key) == 1 then
        created[k] = true
      end
    end
  end
  for j = 1, n do
    if created[j] then
      redis.call('EXPIREAT', KEYS[ko + j], at)
    end
  end
  if nk > n then
    local now = tonumber(redis.call('TIME')[1])
    local target = tonumber(at)
    for j = n + 1, nk do
      if created[j] then
        local ttl = redis.call('TTL', KEYS[ko + j])
        if ttl < 0 or now + ttl < target then
          redis.call('EXPIREAT', KEYS[ko + j], at)
        end
      end
    end
  end
end

local function count(ko, i, last, out)
  local at = ARGV[i]
  local counts = KEYS[ko + 1]
  local created = false
  -- Counted events per type, summed over the call: one HINCRBY per type.
  local types = {}
  local sums = {}
  for j = i + 1, last, 4 do
    if mark(KEYS[ko + tonumber(ARGV[j])], ARGV[j + 1], ARGV[j + 2], at) then
      local type = ARGV[j + 3]
      local sum = sums[type]
      if not sum then
        types[#types + 1] = type
        sum = 0
      end
      sums[type] = sum + 1
      out[#out + 1] = 1
      fresh[#fresh + 1] = true
    else
      out[#out + 1] = 0
      fresh[#fresh + 1] = false
    end
  end
  for t = 1, #types do
    local by = sums[types[t]]
    if redis.call('HINCRBY', counts, types[t], by) == by then
      created = true
    end
  end
  if created then
    redis.call('EXPIREAT', counts, at)
  end
end
