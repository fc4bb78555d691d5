local function apply(ko, nk, i, last, out)
  local at = ARGV[i]
  local n = tonumber(ARGV[i + 1])
  local cap = -tonumber(ARGV[i + 2])
  local seen = KEYS[ko + 1]
  local created = {}
  local anyCreated = false
  local existed = false
  local spanOnly = false
  i = i + 3
  while i <= last do
    local uuid = ARGV[i]
    local ops = tonumber(ARGV[i + 1])
    i = i + 2
    if uuid ~= '' and redis.call('SADD', seen, uuid) == 0 then
      out[#out + 1] = 0
      for _ = 1, ops do
        local op = ARGV[i]
        if op == 'h' then
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
        if op == 'i' then
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
  for j = i + 1, last, 2 do
    if redis.call('SADD', uuids, ARGV[j]) == 1 then
      if redis.call('HINCRBY', counts, ARGV[j + 1], 1) == 1 then
        created = true
      end
      out[#out + 1] = 1
    else
      out[#out + 1] = 0
    end
  end
  if created then
    redis.call('EXPIREAT', uuids, ARGV[i])
    redis.call('EXPIREAT', counts, ARGV[i])
  end
end

