-- The reader's one call for many entity-days (the aggregator's read of a chunk): KEYS are, per entity-day, ARGV[1]
-- keys in a row: its counters hash, one HyperLogLog per unique metric, its meta hash. The reply is flat, per
-- entity-day: the length of the counters' HGETALL and its fields and values, each HyperLogLog's bytes (false, a
-- nil reply, when absent), the length of the meta HGETALL and its fields and values. Reads only: PFCOUNT is left
-- to the client, which counts from the bytes as Redis would (a single-key PFCOUNT may write its cache).
local per = tonumber(ARGV[1])
local out = {}
local n = 0
for first = 1, #KEYS, per do
  local counters = redis.call('HGETALL', KEYS[first])
  n = n + 1
  out[n] = #counters
  for i = 1, #counters do
    n = n + 1
    out[n] = counters[i]
  end
  for sketch = first + 1, first + per - 2 do
    n = n + 1
    out[n] = redis.call('GET', KEYS[sketch])
  end
  local meta = redis.call('HGETALL', KEYS[first + per - 1])
  n = n + 1
  out[n] = #meta
  for i = 1, #meta do
    n = n + 1
    out[n] = meta[i]
  end
end
return out
