package io.github.iskahomes.analytics.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iskahomes.analytics.core.BusinessCalendar;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Test-only direct look at the keys a test wrote (SCAN with the test's prefix is fine here, never in the library). */
final class Probe {
    private final RedisClusterCommands<String, String> redis;
    private final String prefix;

    Probe(RedisClusterCommands<String, String> redis, String prefix) {
        this.redis = redis;
        this.prefix = prefix;
    }

    RedisClusterCommands<String, String> redis() {
        return redis;
    }

    /** The string value of a key, or {@code null} when there is none. */
    String get(String keyWithoutPrefix) {
        return redis.get(prefix + keyWithoutPrefix);
    }

    /** A counter of an entity-day: a field of its counters hash {@code <kind>:{<id>}:day:<YYYYMMDD>}, or {@code null}. */
    String counter(String entityDayWithoutPrefix, String metric) {
        return redis.hget(prefix + entityDayWithoutPrefix, metric);
    }

    /** Every key under the prefix, with its type. */
    Map<String, String> keys() {
        Map<String, String> keys = new TreeMap<>();
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(1000));
            for (String key : page.getKeys()) {
                keys.put(key.substring(prefix.length()), redis.type(key));
            }
            cursor = page;
        } while (!cursor.isFinished());
        return keys;
    }

    /** Every key holds the scenario day's expiry instant (to the millisecond), and there are more than 40 of them. */
    void assertEveryKeyExpiresWithTheScenarioDay() {
        long expected = Keys.expiryOf(BusinessCalendar.UTC, Scenario.DAY, Duration.ofDays(7)).toEpochMilli();
        Map<String, String> keys = keys();
        assertThat(keys).hasSizeGreaterThan(40);
        for (String key : keys.keySet()) {
            assertExpiresAt(key, expected);
        }
    }

    /**
     * The key's absolute expiry is {@code expectedMillis}, to the millisecond. Redis 6.2 has no PEXPIRETIME, so the
     * expiry is PTTL plus the clock, read between two TIMEs in one script: a Redis paused between the calls (a busy
     * machine) widens that window instead of failing the check.
     */
    void assertExpiresAt(String keyWithoutPrefix, long expectedMillis) {
        List<Object> reply = redis.eval("local a = redis.call('TIME') local ttl = redis.call('PTTL', KEYS[1])"
                        + " local b = redis.call('TIME') return {a[1], a[2], ttl, b[1], b[2]}",
                ScriptOutputType.MULTI, prefix + keyWithoutPrefix);
        long pttl = (Long) reply.get(2);
        assertThat(pttl).as(keyWithoutPrefix + " has an expiry").isNotNegative();
        long before = millis(reply.get(0), reply.get(1)) + pttl;
        long after = millis(reply.get(3), reply.get(4)) + pttl;
        assertThat(expectedMillis).as(keyWithoutPrefix + " expires at").isBetween(before - 1, after + 1);
    }

    private static long millis(Object seconds, Object micros) {
        return Long.parseLong((String) seconds) * 1000 + Long.parseLong((String) micros) / 1000;
    }
}
