package io.github.iskahomes.analytics.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iskahomes.analytics.core.BusinessCalendar;
import io.github.iskahomes.analytics.core.EntityKind;
import io.github.iskahomes.analytics.redis.internal.RedisForms;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.cluster.SlotHash;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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

    /**
     * A counter of an entity-day: the sum of the fields of its counters hash {@code <kind>:{<id>}:day:<YYYYMMDD>}
     * that hold it ({@link Keys#counterField}), or {@code null} when none does.
     */
    String counter(String entityDayWithoutPrefix, String metric) {
        EntityKind kind = Arrays.stream(EntityKind.values())
                .filter(k -> entityDayWithoutPrefix.contains(RedisForms.keyName(k) + ":{")).findFirst().orElseThrow();
        char letter = Keys.counterField(kind, List.of(metric)).charAt(0);
        Long sum = null;
        for (Map.Entry<String, String> field : redis.hgetall(prefix + entityDayWithoutPrefix).entrySet()) {
            String name = field.getKey();
            if (name.chars().allMatch(c -> c >= 'A' && c <= 'Z') && name.indexOf(letter) >= 0) {
                long count = name.chars().filter(c -> c == letter).count();
                sum = (sum == null ? 0 : sum) + count * Long.parseLong(field.getValue());
            }
        }
        return sum == null ? null : Long.toString(sum);
    }

    /** Every key under the prefix, with its type. */
    Map<String, String> keys() {
        List<String> names = new ArrayList<>();
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(1000));
            names.addAll(page.getKeys());
            cursor = page;
        } while (!cursor.isFinished());
        Map<String, String> keys = new TreeMap<>();
        // One script per slot and 500 keys (a day's marker buckets share a slot): TYPE of each.
        for (List<String> group : bySlot(names)) {
            List<Object> types = redis.eval("local t = {} for i, k in ipairs(KEYS) do t[i] = redis.call('TYPE', k).ok"
                    + " end return t", ScriptOutputType.MULTI, group.toArray(new String[0]));
            for (int i = 0; i < group.size(); i++) {
                keys.put(group.get(i).substring(prefix.length()), (String) types.get(i));
            }
        }
        return keys;
    }

    /** Keys grouped so that each group shares a hash slot and has at most 500 keys. */
    private static List<List<String>> bySlot(List<String> keys) {
        Map<Integer, List<String>> slots = new TreeMap<>();
        for (String key : keys) {
            slots.computeIfAbsent(SlotHash.getSlot(key), s -> new ArrayList<>()).add(key);
        }
        List<List<String>> groups = new ArrayList<>();
        for (List<String> slot : slots.values()) {
            for (int from = 0; from < slot.size(); from += 500) {
                groups.add(slot.subList(from, Math.min(slot.size(), from + 500)));
            }
        }
        return groups;
    }

    /** Every key holds the scenario day's expiry instant (to the millisecond), and there are more than 40 of them. */
    void assertEveryKeyExpiresWithTheScenarioDay() {
        long expected = Keys.expiryOf(BusinessCalendar.UTC, Scenario.DAY, Duration.ofDays(7)).toEpochMilli();
        Map<String, String> keys = keys();
        assertThat(keys).hasSizeGreaterThan(40);
        for (List<String> group : bySlot(keys.keySet().stream().map(key -> prefix + key).toList())) {
            assertExpireAt(group, expected);
        }
    }

    /**
     * The key's absolute expiry is {@code expectedMillis}, to the millisecond. Redis 6.2 has no PEXPIRETIME, so the
     * expiry is PTTL plus the clock, read between two TIMEs in one script: a Redis paused between the calls (a busy
     * machine) widens that window instead of failing the check.
     */
    void assertExpiresAt(String keyWithoutPrefix, long expectedMillis) {
        assertExpireAt(List.of(prefix + keyWithoutPrefix), expectedMillis);
    }

    /** {@link #assertExpiresAt} of keys (with the prefix) of one slot, read by one script. */
    private void assertExpireAt(List<String> keys, long expectedMillis) {
        List<Object> reply = redis.eval("local a = redis.call('TIME') local out = {a[1], a[2]}"
                        + " for i, k in ipairs(KEYS) do out[2 + i] = redis.call('PTTL', k) end"
                        + " local b = redis.call('TIME') out[#out + 1] = b[1] out[#out + 1] = b[2] return out",
                ScriptOutputType.MULTI, keys.toArray(new String[0]));
        long start = millis(reply.get(0), reply.get(1));
        long end = millis(reply.get(reply.size() - 2), reply.get(reply.size() - 1));
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i).substring(prefix.length());
            long pttl = (Long) reply.get(2 + i);
            assertThat(pttl).as(key + " has an expiry").isNotNegative();
            assertThat(expectedMillis).as(key + " expires at").isBetween(start + pttl - 1, end + pttl + 1);
        }
    }

    private static long millis(Object seconds, Object micros) {
        return Long.parseLong((String) seconds) * 1000 + Long.parseLong((String) micros) / 1000;
    }
}
