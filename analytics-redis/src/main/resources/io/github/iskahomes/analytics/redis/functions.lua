local function apply(ko, nk, i, last, out)
  local at = ARGV[i]
  local n = tonumber(ARGV[i + 1])
  local cap = -tonumber(ARGV[i + 2])
  local seen = KEYS[ko + 1]
  local created = {}
  local anyCreated = false
  local existed = false
  local spanOnly = false
  -- Counter increments of applied segments, summed per key and field: one HINCRBY per field and call.
  local counted = {}
  local fieldsOf = {}
  local sumsOf = {}
  local countedByUuid = false
  i = i + 3
  while i <= last do
    local uuid = ARGV[i]
    local ops = tonumber(ARGV[i + 1])
    i = i + 2
    if uuid ~= '' and redis.call('SADD', seen, uuid) == 0 then
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
      local dayOps = 0
      for _ = 1, ops do
        local op = ARGV[i]
        local k = tonumber(ARGV[i + 1])
        local key = KEYS[ko + k]
        if k <= n then
          dayOps = dayOps + 1
        end
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
          countedByUuid = countedByUuid or uuid ~= ''
          i = i + 4
        elseif op == 'i' then
          local by = ARGV[i + 2]
          if redis.call('INCRBY', key, by) == tonumber(by) then
            created[k] = true
          elseif not created[k] then
            existed = existed or uuid ~= ''
          end
          i = i + 3
        elseif op == 'u' then
          if not created[k] then
            if redis.call('EXISTS', key) == 0 then
              created[k] = true
            else
              existed = existed or uuid ~= ''
            end
          end
          redis.call('PFADD', key, ARGV[i + 2])
          i = i + 3
        elseif op == 'h' then
          if redis.call('HSET', key, ARGV[i + 2], ARGV[i + 3]) > 0 then
            created[k] = true
          elseif not created[k] and k <= n then
            existed = existed or uuid ~= ''
          end
          i = i + 4
        elseif op == 'H' then
          local last = i + 2 + 2 * tonumber(ARGV[i + 2])
          if redis.call('HSET', key, unpack(ARGV, i + 3, last)) > 0 then
            created[k] = true
          elseif not created[k] and k <= n then
            existed = existed or uuid ~= ''
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
      if uuid ~= '' and dayOps == 0 then
        spanOnly = true
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
      if f == 1 then
        if total == by and redis.call('HLEN', key) == 1 then
          created[k] = true
        else
          existed = existed or countedByUuid
        end
      end
    end
  end
  for j = 1, n do
    if created[j] then
      anyCreated = true
      redis.call('EXPIREAT', KEYS[ko + j], at)
    end
  end
  if (anyCreated and not created[1] and not existed) or (spanOnly and redis.call('TTL', seen) == -1) then
    redis.call('EXPIREAT', seen, at)
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
  local uuids = KEYS[ko + 1]
  local counts = KEYS[ko + 2]
  local created = false
  -- Counted events per type, summed over the call: one HINCRBY per type.
  local types = {}
  local sums = {}
  for j = i + 1, last, 2 do
    if redis.call('SADD', uuids, ARGV[j]) == 1 then
      local type = ARGV[j + 1]
      local sum = sums[type]
      if not sum then
        types[#types + 1] = type
        sum = 0
      end
      sums[type] = sum + 1
      out[#out + 1] = 1
    else
      out[#out + 1] = 0
    end
  end
  for t = 1, #types do
    local by = sums[types[t]]
    if redis.call('HINCRBY', counts, types[t], by) == by then
      created = true
    end
  end
  if created then
    redis.call('EXPIREAT', uuids, ARGV[i])
    redis.call('EXPIREAT', counts, ARGV[i])
  end
end

