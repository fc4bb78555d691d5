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

    /** The most ARGV elements one multi-element op unpacks (Lua's C stack allows about 8000). */
    static final int MAX_UNPACK = 1000;

    /**
     * Applies the mutations of one or more events to one entity-day (one hash slot), each at most once per uuid.
     * KEYS[1..n] are keys of that day, all expiring at ARGV[1]; KEYS[1] is the entity-day set of applied uuids when a
     * segment has a uuid. KEYS[n+1..] are lead keys that span days: their expiry only ever moves later.
     * ARGV[2] = n, ARGV[3] = lead-action cap, then one segment per event: {@code uuid} ({@code ''}: no uuid check,
     * for idempotent index entries), the number of ops, then the ops: {@code i key by} INCRBY, {@code u key member}
     * PFADD, {@code h key field value} HSET, {@code H key count field value…} HSET of several fields, {@code s key
     * member} SADD, {@code S key count member…} SADD of several members, {@code l key value} RPUSH + LTRIM to the cap
     * (keys by position in KEYS). The writer keeps {@code count} at most {@link #MAX_UNPACK} elements, since
     * {@code unpack} of a range is limited by Lua's C stack. The uuid check and the ops of one segment are atomic together, so an event is
     * never half-applied to a slot. Returns one 1 (applied now) or 0 (applied before) per segment.
     *
     * <p>A day's expiry is one absolute instant, the same for every write, so a day key needs EXPIREAT only in the
     * call that creates it; the script tells creation from each command's reply (INCRBY answering its own increment,
     * HSET or SADD adding something, EXISTS before PFADD) instead of paying an EXPIREAT per key per call. Every key of
     * an entity-day is written first in the call that creates its uuid set KEYS[1], so a creation in the call also
     * sets KEYS[1]'s expiry, unless an op of a uuid segment found its key there from an earlier call: then KEYS[1]
     * was created (and given its expiry) by that earlier call. A replied increment can
     * only over-report creation (a counter that came back to exactly the increment), which costs one harmless
     * EXPIREAT. Span keys touched by an applied segment are checked every time, since their expiry moves.
     */
    static final Script APPLY = of(Lua.FUNCTIONS + """
            local out = {}
            local failed = apply(0, #KEYS, 1, #ARGV, out)
            if failed then
              return failed
            end
            return out
            """);

    /**
     * Counts events per type for one day and uuid shard, at most once per uuid. KEYS[1] = the shard's set of counted
     * uuids, KEYS[2] = its hash of counts per type; ARGV[1] = the day's expiry, then pairs (uuid, type). Returns one
     * 1 (counted now) or 0 (counted before) per pair. Both keys are created by the first count, whose HINCRBY answers
     * 1, so the day's expiry (one fixed instant) is set only when some type's count starts at 1.
     */
    static final Script COUNT = of(Lua.FUNCTIONS + """
            local out = {}
            count(0, 1, #ARGV, out)
            return out
            """);

    /**
     * For a standalone Redis, where any keys may share a call: the calls of a whole batch as one. ARGV is a sequence
     * of parts, each {@code kind keyCount argCount} followed by that many arguments of a {@link #APPLY} ({@code a})
     * or {@link #COUNT} ({@code c}) call, whose keys come next in KEYS. Each part behaves exactly as its own call
     * would; the reply is the parts' replies concatenated. The whole batch is atomic.
     */
    static final Script MANY = of(Lua.FUNCTIONS + """
            local out = {}
            local ko = 0
            local i = 1
            local argc = #ARGV
            while i <= argc do
              local kind = ARGV[i]
              local nk = tonumber(ARGV[i + 1])
              local last = i + 2 + tonumber(ARGV[i + 2])
              if kind == 'a' then
                local failed = apply(ko, nk, i + 3, last, out)
                if failed then
                  return failed
                end
              else
                count(ko, i + 3, last, out)
              end
              ko = ko + nk
              i = last + 1
            end
            return out
            """);

    /** The scripts' shared functions, each working on a range of KEYS and ARGV and appending to one reply. */
    private static final class Lua {
        /**
         * {@code apply(ko, nk, i, last, out)}: APPLY on KEYS[ko+1..ko+nk] and ARGV[i..last]; returns an error reply
         * or nothing. {@code count(ko, i, last, out)}: COUNT on KEYS[ko+1..ko+2] and ARGV[i..last].
         */
        static final String FUNCTIONS = """
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

            """;
    }
}
