package io.github.iskahomes.analytics.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A Lua script and its SHA-1, the name {@code EVALSHA} knows it by. */
record Script(String body, String sha) {

    static Script of(String body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(body.getBytes(StandardCharsets.UTF_8));
            return new Script(body, HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }

    /**
     * Applies the mutations of one or more events to one entity-day (one hash slot), each at most once per uuid.
     * KEYS[1..n] are keys of that day, all expiring at ARGV[1]; KEYS[1] is the entity-day set of applied uuids when a
     * segment has a uuid. KEYS[n+1..] are lead keys that span days: their expiry only ever moves later.
     * ARGV[2] = n, ARGV[3] = lead-action cap, then one segment per event: {@code uuid} ({@code ''}: no uuid check,
     * for idempotent index entries), the number of ops, then the ops: {@code i key by} INCRBY, {@code u key member}
     * PFADD, {@code h key field value} HSET, {@code s key member} SADD, {@code l key value} RPUSH + LTRIM to the cap
     * (keys by position in KEYS). The uuid check and the ops of one segment are atomic together, so an event is
     * never half-applied to a slot. Returns one 1 (applied now) or 0 (applied before) per segment.
     */
    static final Script APPLY = of("""
            local at = tonumber(ARGV[1])
            local n = tonumber(ARGV[2])
            local cap = -tonumber(ARGV[3])
            local out = {}
            local changed = false
            local i = 4
            local argc = #ARGV
            while i <= argc do
              local uuid = ARGV[i]
              local ops = tonumber(ARGV[i + 1])
              i = i + 2
              if uuid ~= '' and redis.call('SADD', KEYS[1], uuid) == 0 then
                out[#out + 1] = 0
                for _ = 1, ops do
                  local op = ARGV[i]
                  i = i + ((op == 'h') and 4 or 3)
                end
              else
                out[#out + 1] = 1
                changed = true
                for _ = 1, ops do
                  local op = ARGV[i]
                  local key = KEYS[tonumber(ARGV[i + 1])]
                  if op == 'i' then
                    redis.call('INCRBY', key, ARGV[i + 2])
                    i = i + 3
                  elseif op == 'u' then
                    redis.call('PFADD', key, ARGV[i + 2])
                    i = i + 3
                  elseif op == 'h' then
                    redis.call('HSET', key, ARGV[i + 2], ARGV[i + 3])
                    i = i + 4
                  elseif op == 's' then
                    redis.call('SADD', key, ARGV[i + 2])
                    i = i + 3
                  elseif op == 'l' then
                    redis.call('RPUSH', key, ARGV[i + 2])
                    redis.call('LTRIM', key, cap, -1)
                    i = i + 3
                  else
                    return redis.error_reply('analytics: unknown op ' .. tostring(op))
                  end
                end
              end
            end
            if not changed then
              return out
            end
            for j = 1, n do
              redis.call('EXPIREAT', KEYS[j], at)
            end
            if #KEYS > n then
              local now = tonumber(redis.call('TIME')[1])
              for j = n + 1, #KEYS do
                local ttl = redis.call('TTL', KEYS[j])
                if ttl < 0 or now + ttl < at then
                  redis.call('EXPIREAT', KEYS[j], at)
                end
              end
            end
            return out
            """);

    /**
     * Counts events per type for one day and uuid shard, at most once per uuid. KEYS[1] = the shard's set of counted
     * uuids, KEYS[2] = its hash of counts per type; ARGV[1] = the day's expiry, then pairs (uuid, type). Returns one
     * 1 (counted now) or 0 (counted before) per pair.
     */
    static final Script COUNT = of("""
            local out = {}
            local changed = false
            for i = 2, #ARGV, 2 do
              if redis.call('SADD', KEYS[1], ARGV[i]) == 1 then
                redis.call('HINCRBY', KEYS[2], ARGV[i + 1], 1)
                out[#out + 1] = 1
                changed = true
              else
                out[#out + 1] = 0
              end
            end
            if changed then
              redis.call('EXPIREAT', KEYS[1], ARGV[1])
              redis.call('EXPIREAT', KEYS[2], ARGV[1])
            end
            return out
            """);
}
