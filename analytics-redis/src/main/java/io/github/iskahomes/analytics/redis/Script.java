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
     * Applies one event's mutations to one entity (one hash slot), at most once per uuid.
     * KEYS[1..n] are keys of the event's day, all expiring at ARGV[2]; when ARGV[1] (the uuid) is not empty, KEYS[1]
     * is the entity-day set of applied uuids, checked and updated atomically with the mutations. KEYS[n+1..] are lead
     * keys that span days: their expiry only ever moves later. ARGV[3] = n, ARGV[4] = lead-action cap, then the ops:
     * {@code i key by} INCRBY, {@code u key member} PFADD, {@code h key field value} HSET, {@code s key member} SADD,
     * {@code l key value} RPUSH + LTRIM to the cap. Returns 1 when applied, 0 when the uuid was already applied here.
     */
    static final Script APPLY = of("""
            local uuid = ARGV[1]
            if uuid ~= '' and redis.call('SADD', KEYS[1], uuid) == 0 then
              return 0
            end
            local i = 5
            local argc = #ARGV
            while i <= argc do
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
                redis.call('LTRIM', key, -tonumber(ARGV[4]), -1)
                i = i + 3
              else
                return redis.error_reply('analytics: unknown op ' .. tostring(op))
              end
            end
            local at = tonumber(ARGV[2])
            local n = tonumber(ARGV[3])
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
            return 1
            """);

    /**
     * Counts events per type for one day and uuid shard, at most once per uuid. KEYS[1] = the shard's set of counted
     * uuids, KEYS[2] = its hash of counts per type; ARGV[1] = the day's expiry, then pairs (uuid, type). Returns one
     * 1 (counted now) or 0 (counted before) per pair.
     */
    static final Script COUNT = of("""
            local out = {}
            for i = 2, #ARGV, 2 do
              if redis.call('SADD', KEYS[1], ARGV[i]) == 1 then
                redis.call('HINCRBY', KEYS[2], ARGV[i + 1], 1)
                out[#out + 1] = 1
              else
                out[#out + 1] = 0
              end
            end
            redis.call('EXPIREAT', KEYS[1], ARGV[1])
            redis.call('EXPIREAT', KEYS[2], ARGV[1])
            return out
            """);
}
