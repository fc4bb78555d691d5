-- Dedupe markers are fields of small hashes ("marker buckets"): a uuid in its compact form (field, value) is one
-- field. Markers never leave a bucket before the day's expiry. Two kinds of buckets:
--   * an event-count shard's buckets (every event has one marker there; on a standalone Redis its only one). The
--     shard's counts hash keeps '@marks', its number of markers, and '@level', how many levels of buckets exist.
--     The number of markers, not each bucket's HLEN, decides the level new markers go to: FILL per bucket on
--     average, so that every bucket stays a ziplist (hash-max-ziplist-entries 128). Level l has 4^(l-1) buckets
--     below each first-level one ('<bucket>:<0-3>...'); the fourth and last just grows. Each level's buckets are all
--     created (with a placeholder field '@' and the day's EXPIREAT) when the shard reaches it, so adding a marker
--     takes one HSETNX, and a lookup one HGET per full level above it.
--   * on a Cluster, an entity-day's own markers: fields of its counters hash while the hash has fewer than
--     HASH_CAP fields (HLEN), then of sub-buckets '<counters>:marks:<0-15>...' that take CAP each.
local FILL = 48
local CAP = 120
-- A unique metric keeps its members inline, as fields of the counters hash (the member's 64-bit hash; its value
-- the tags of the metrics it is a member of), while the counter field its event incremented (the combination of
-- counters that holds its companion counter) is at most INLINE (Keys.INLINE_MEMBERS); then they go to its
-- HyperLogLog key. Inline members stay where they are: the reader unions them with the sketch.
local INLINE = 3
-- Counter fields and metadata of one entity-day are at most 20 (a listing's 8 combinations of a view, 5 of an
-- impression, 4 of a lead, its 3 metadata fields), its inline members at most 36 (INLINE per combination holding a
-- companion): HASH_CAP leaves them room below 128 whatever the markers.
local HASH_CAP = 64
-- HLEN of the buckets this script has seen, kept up to date by its own HSETNX.
local lens = {}
-- The small decimals of ARGV (positions, counts) as numbers, each parsed once per script run: tonumber is a C call
-- and a strtod, a few percent of Redis's time per event when called for every op.
local N = setmetatable({}, {__index = function(t, s)
  local v = tonumber(s)
  t[s] = v
  return v
end})
-- Sums as the text redis.call takes, each formatted once per run (else Lua formats every number it passes).
local T = setmetatable({}, {__index = function(t, n)
  local v = string.format('%d', n)
  t[n] = v
  return v
end})
-- Tables of an apply call, reused by the next one of the same run (fewer tables for Lua to allocate and collect):
-- each is emptied as it is used up.
local created = {}
local fields = {}
local sums = {}
local membersOf = {}
-- Per event-count pair of this script, in order: whether its uuid was new. On a standalone Redis the event's
-- count marker is its only marker, and its entity-day segments name the pair ('#', k) instead of a marker.
local fresh = {}

-- A spread of a marker's text over the sub-buckets (only needed below a bucket's first level).
local function spread(s)
  local h = 7
  for c = 1, #s do
    h = (h * 31 + string.byte(s, c)) % 1000003
  end
  return h
end

-- Whether the bucket key holds the marker (f, v). Two uuids with one field (the same first 64 bits) are told
-- apart by the value; the second is kept as the field 'f:v'.
local function holds(key, f, v)
  local stored = redis.call('HGET', key, f)
  return stored == v or (stored and redis.call('HEXISTS', key, f .. ':' .. v) == 1)
end

-- Adds the marker (f, v) to the bucket key unless it is there: true when it was new.
local function insert(key, f, v)
  if redis.call('HSETNX', key, f, v) == 1 then
    return true
  end
  if redis.call('HGET', key, f) == v then
    return false
  end
  return redis.call('HSETNX', key, f .. ':' .. v, '1') == 1
end

-- An entity-day marker (Cluster): into the counters hash key while it has room, else into the sub-bucket it
-- belongs in, up to three levels below (the last level just grows). Full levels are only looked in.
local function mark(key, f, v, at)
  local h
  local cap = HASH_CAP
  for level = 1, 4 do
    local len = lens[key] or redis.call('HLEN', key)
    if len < cap or level == 4 then
      local new = insert(key, f, v)
      if len == 0 then
        redis.call('EXPIREAT', key, at)
      end
      lens[key] = new and len + 1 or len
      return new
    end
    lens[key] = len
    if holds(key, f, v) then
      return false
    end
    h = h or spread(f .. v)
    key = key .. (level == 1 and ':marks:' or ':') .. (h % 16)
    h = math.floor(h / 16)
    cap = CAP
  end
end

-- An event-count marker: into the first-level bucket key, or its sub-bucket of the given level.
local function markCounted(key, level, f, v)
  local h
  for _ = 2, level do
    if holds(key, f, v) then
      return false
    end
    h = h or spread(f .. v)
    key = key .. ':' .. (h % 4)
    h = math.floor(h / 4)
  end
  return insert(key, f, v)
end

-- Creates every bucket of one level of an event-count shard, each with the day's expiry.
local function build(counts, buckets, level, at)
  local function below(key, depth)
    if depth == 0 then
      redis.call('HSET', key, '@', '')
      redis.call('EXPIREAT', key, at)
    else
      for s = 0, 3 do
        below(key .. ':' .. s, depth - 1)
      end
    end
  end
  for b = 0, buckets - 1 do
    below(counts .. ':marks:' .. b, level - 1)
  end
end

-- The bytes of the wire's binary header arguments, read several at a time: one C call for a segment's check, one
-- per op (its code and key position) and one per count.
local byte = string.byte

-- One apply call or part: KEYS ko+1..ko+nk (the first n of them day keys expiring at at, the rest keys that span
-- days), its lead-action cap, and its segments in ARGV[i..last]. A segment is one argument of bytes, its head (Op in
-- the Java writer; big-endian numbers): the check ('#' and the 24-bit place of the event's count in this script,
-- 'm' with the marker's field and value as the next two ARGV, or '-' for none), a 16-bit op count, the 24-bit count
-- of the segment's texts, then per op its code, its key's 16-bit position (32768 + j for the j-th key after the n
-- day keys) and for C, H and S a 16-bit count. Only the texts Redis stores follow as ARGV, in op order.
local function apply(ko, nk, at, n, capText, i, last, out)
  local cap = -N[capText]
  -- membersOf: the members (tag then decimal, Keys.uniqueMember) of applied segments by the counter field their
  -- events incremented, each list with its HyperLogLog's position in KEYS (.k).
  local ck
  local fieldCount = 0
  while i <= last do
    local h = ARGV[i]
    i = i + 1
    local check = byte(h, 1)
    local p = 2
    local new
    if check == 35 then -- '#'
      local a, b, c = byte(h, 2, 4)
      new = fresh[(a * 256 + b) * 256 + c]
      p = 5
    elseif check == 109 then -- 'm'
      new = mark(KEYS[ko + 1], ARGV[i], ARGV[i + 1], at)
      i = i + 2
    else
      new = true
    end
    local o1, o2, t1, t2, t3 = byte(h, p, p + 4)
    p = p + 5
    if not new then
      out[#out + 1] = 0
      i = i + (t1 * 256 + t2) * 256 + t3
    else
      out[#out + 1] = 1
      for _ = 1, o1 * 256 + o2 do
        local op, k1, k2 = byte(h, p, p + 2)
        p = p + 3
        local k = k1 * 256 + k2
        -- A span key's position is 32768 + j, for the j-th after the n day keys: the writer encodes a segment before
        -- it knows how many day keys its call will have.
        if k >= 32768 then
          k = n + k - 32768
        end
        local key = KEYS[ko + k]
        if op == 67 or op == 99 then -- 'C' (fields each by 1) or 'c' (a field and its sum)
          if not ck then
            ck = k
          elseif ck ~= k then
            return redis.error_reply('analytics: counters of two hashes in one call')
          end
          local from, to, by
          if op == 67 then
            local c1, c2 = byte(h, p, p + 1)
            p = p + 2
            from = i
            to = i + c1 * 256 + c2 - 1
            by = 1
            i = to + 1
          else
            from = i
            to = i
            by = N[ARGV[i + 1]]
            i = i + 2
          end
          for a = from, to do
            local field = ARGV[a]
            local sum = sums[field]
            if not sum then
              fieldCount = fieldCount + 1
              fields[fieldCount] = field
              sum = 0
            end
            sums[field] = sum + by
          end
        elseif op == 105 then -- 'i'
          local by = ARGV[i]
          if redis.call('INCRBY', key, by) == N[by] then
            created[k] = true
          end
          i = i + 1
        elseif op == 117 then -- 'u'
          -- Every event adding to this unique metric also increments the counter field ARGV[i] in the same call:
          -- where the member goes (inline or the sketch) is decided by that field's sum, below.
          local field = ARGV[i]
          local members = membersOf[field]
          if not members then
            members = {k = k}
            membersOf[field] = members
          elseif members.k ~= k then
            return redis.error_reply('analytics: one counter field moves two sketches')
          end
          members[#members + 1] = ARGV[i + 1]
          i = i + 2
        elseif op == 104 then -- 'h'
          if redis.call('HSET', key, ARGV[i], ARGV[i + 1]) > 0 then
            created[k] = true
          end
          i = i + 2
        elseif op == 72 then -- 'H'
          local c1, c2 = byte(h, p, p + 1)
          p = p + 2
          local upto = i + 2 * (c1 * 256 + c2) - 1
          if redis.call('HSET', key, unpack(ARGV, i, upto)) > 0 then
            created[k] = true
          end
          i = upto + 1
        elseif op == 115 then -- 's'
          if redis.call('SADD', key, ARGV[i]) > 0 then
            created[k] = true
          end
          i = i + 1
        elseif op == 83 then -- 'S'
          local c1, c2 = byte(h, p, p + 1)
          p = p + 2
          local upto = i + c1 * 256 + c2 - 1
          if redis.call('SADD', key, unpack(ARGV, i, upto)) > 0 then
            created[k] = true
          end
          i = upto + 1
        elseif op == 108 then -- 'l'
          redis.call('RPUSH', key, ARGV[i])
          redis.call('LTRIM', key, T[cap], '-1')
          i = i + 1
        else
          return redis.error_reply('analytics: unknown op ' .. tostring(op and string.char(op)))
        end
        if k > n then
          created[k] = true
        end
      end
    end
  end
  if ck then
    local key = KEYS[ko + ck]
    for f = 1, fieldCount do
      local field = fields[f]
      local by = sums[field]
      fields[f] = nil
      sums[field] = nil
      local total = redis.call('HINCRBY', key, field, T[by])
      -- A new field may be a new hash: it gets the day's expiry (an EXPIREAT to the same instant, cheaper than
      -- an HLEN to tell). Not when metadata written before has told it, nor on a Cluster, where the markers' HLEN
      -- of this hash (lens) has given a new hash its expiry already.
      if total == by and not created[ck] and not lens[key] then
        created[ck] = true
      end
      local members = membersOf[field]
      if members then
        membersOf[field] = nil
        if total <= INLINE then
          -- A member inline is a field whose value holds the tags of the metrics it is a member of (a visitor
          -- who viewed and asked is one field, 'ab'). HSETNX first: a member never overwrites a field, so never a
          -- marker with the same decimal (the member is then left out, a chance of 2^-64 and an undercount).
          for m = 1, #members do
            local member = members[m]
            local hash = string.sub(member, 2)
            local tag = string.sub(member, 1, 1)
            if redis.call('HSETNX', key, hash, tag) == 0 then
              local tags = redis.call('HGET', key, hash)
              if string.find(tags, '^%l+$') and not string.find(tags, tag, 1, true) then
                redis.call('HSET', key, hash, tags .. tag)
              end
            end
          end
        else
          for m = 1, #members do
            members[m] = string.sub(members[m], 2)
          end
          for from = 1, #members, 1000 do
            redis.call('PFADD', KEYS[ko + members.k], unpack(members, from, math.min(from + 999, #members)))
          end
          -- This field's first members in the sketch: it may be new, and gets the day's expiry (the same instant
          -- whichever field gives it).
          if total - by <= INLINE then
            created[members.k] = true
          end
        end
      end
    end
  end
  if next(membersOf) then
    return redis.error_reply('analytics: unique members without their counter field')
  end
  for j = 1, n do
    if created[j] then
      created[j] = nil
      redis.call('EXPIREAT', KEYS[ko + j], at)
    end
  end
  if nk > n then
    local now = tonumber(redis.call('TIME')[1])
    local target = tonumber(at)
    for j = n + 1, nk do
      if created[j] then
        created[j] = nil
        local ttl = redis.call('TTL', KEYS[ko + j])
        if ttl < 0 or now + ttl < target then
          redis.call('EXPIREAT', KEYS[ko + j], at)
        end
      end
    end
  end
end

-- One count call or part: ARGV[i] the day's expiry, ARGV[i + 1] the shard's number of first-level buckets, then per
-- event its marker's field and value, then the call's event types, and last one argument of bytes: per event its
-- bucket's 16-bit position in KEYS and its type's 8-bit index among those types.
local function count(ko, i, last, out)
  local at = ARGV[i]
  local buckets = N[ARGV[i + 1]]
  local places = ARGV[last]
  local events = #places / 3
  local typesFrom = i + 2 + 2 * events
  local counts = KEYS[ko + 1]
  local state = redis.call('HMGET', counts, '@marks', '@level')
  local marks = tonumber(state[1]) or 0
  local built = tonumber(state[2]) or 0
  -- Levels hold FILL per bucket: the first up to buckets * FILL markers, the next four times as many, ...
  local first = buckets * FILL
  local level = 4
  if marks < first then
    level = 1
  elseif marks < first * 5 then
    level = 2
  elseif marks < first * 21 then
    level = 3
  end
  if built < level then
    for l = built + 1, level do
      build(counts, buckets, l, at)
    end
    redis.call('HSET', counts, '@level', level)
    if built == 0 then
      redis.call('EXPIREAT', counts, at)
    end
  end
  -- Counted events per type, summed over the call: one HINCRBY per type, one for '@marks'.
  local perType = {}
  local added = 0
  for e = 0, events - 1 do
    local a, b, t = byte(places, 3 * e + 1, 3 * e + 3)
    local j = i + 2 + 2 * e
    if markCounted(KEYS[ko + a * 256 + b], level, ARGV[j], ARGV[j + 1]) then
      perType[t] = (perType[t] or 0) + 1
      added = added + 1
      out[#out + 1] = 1
      fresh[#fresh + 1] = true
    else
      out[#out + 1] = 0
      fresh[#fresh + 1] = false
    end
  end
  for t = 0, last - typesFrom - 1 do
    local sum = perType[t]
    if sum then
      redis.call('HINCRBY', counts, ARGV[typesFrom + t], T[sum])
    end
  end
  if added > 0 then
    redis.call('HINCRBY', counts, '@marks', T[added])
  end
end
