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

    /** The absolute expiry of a key in epoch milliseconds (TIME and PTTL read atomically), or -1 without one. */
    /** Every key holds the scenario day's expiry instant (to the millisecond), and there are more than 40 of them. */
    void assertEveryKeyExpiresWithTheScenarioDay() {
        long expected = BusinessCalendar.UTC.expiryOf(Scenario.DAY, Duration.ofDays(7)).toEpochMilli();
        Map<String, String> keys = keys();
        assertThat(keys).hasSizeGreaterThan(40);
        for (String key : keys.keySet()) {
            assertThat(expiryMillis(key)).as(key).isBetween(expected - 1, expected + 1);
        }
    }

    long expiryMillis(String keyWithoutPrefix) {
        List<Object> reply = redis.eval("local t = redis.call('TIME') return {t[1], t[2], redis.call('PTTL', KEYS[1])}",
                ScriptOutputType.MULTI, prefix + keyWithoutPrefix);
        long pttl = (Long) reply.get(2);
        if (pttl < 0) {
            return pttl;
        }
        return Long.parseLong((String) reply.get(0)) * 1000 + Long.parseLong((String) reply.get(1)) / 1000 + pttl;
    }
}
