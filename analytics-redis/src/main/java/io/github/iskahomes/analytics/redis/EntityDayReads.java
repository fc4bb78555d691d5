package io.github.iskahomes.analytics.redis;

import io.github.iskahomes.analytics.core.AnalyticsException;
import io.github.iskahomes.analytics.core.EntityKind;
import io.github.iskahomes.analytics.core.EntityRef;
import io.github.iskahomes.analytics.core.internal.Resources;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The aggregator's read of a chunk of entity-days: one {@code EVALSHA} of {@code entity_days.lua} per group of at
 * most {@link #MAX_PER_CALL} entity-days (one group per hash slot on a Cluster, where a call's keys must share a
 * slot), instead of a pipelined {@code HGETALL}, {@code PFCOUNT} and {@code GET} per metric and {@code HGETALL}
 * per entity-day. What that saves is the client's work: JFR showed the reader's JVM spending about 8 times the CPU
 * of the Redis server, almost all of it in Lettuce's per-command machinery (a future, a timeout, encoding, the
 * command stack); one call per group leaves a few hundred commands for 100,000 entity-days. Unique counts are
 * computed from the sketch bytes ({@link HyperLogLogs}), exactly as {@code PFCOUNT} would. Replies are copied to
 * byte arrays on the event loop and decoded on the reading thread. Thread-safe.
 */
final class EntityDayReads {
    /** Entity-days per script call: a call holds Redis for well under a millisecond per hundred of them. */
    static final int MAX_PER_CALL = 250;
    static final Script SCRIPT = Script.of(Resources.text(EntityDayReads.class.getResourceAsStream("entity_days.lua"),
            "Lua resource entity_days.lua"));

    private final RedisStore store;
    private final Keys keys;

    EntityDayReads(RedisStore store, Keys keys) {
        this.store = store;
        this.keys = keys;
    }

    /** The entity-days of {@code ids}, in the order of {@code ids}. */
    List<EntityDay> read(EntityKind kind, LocalDate day, List<String> ids) {
        List<String> uniques = kind.uniques();
        int per = uniques.size() + 2;
        String dayText = Keys.day(day);
        List<Group> groups = groups(kind, dayText, ids, per);
        List<RedisFuture<List<Object>>> replies = new ArrayList<>(groups.size());
        for (Group group : groups) {
            replies.add(send(group, per, false));
        }
        store.flush();
        // Each group is decoded as soon as its answer is in, while Redis runs the next one.
        EntityDay[] result = new EntityDay[ids.size()];
        Decoder decoder = new Decoder(kind);
        long deadline = store.deadline();
        for (int g = 0; g < groups.size(); g++) {
            List<Object> answer;
            try {
                answer = store.await(replies.get(g), deadline);
            } catch (RedisStore.NoScript e) {
                // A restarted or flushed server: EVAL carries the script (and caches it for the next EVALSHA); the
                // groups not answered yet are sent again the same way.
                for (int again = g; again < groups.size(); again++) {
                    replies.set(again, send(groups.get(again), per, true));
                }
                store.flush();
                deadline = store.deadline();
                answer = store.await(replies.get(g), deadline);
            }
            Group group = groups.get(g);
            int at = 0;
            for (int i = 0; i < group.size; i++) {
                int position = group.positions[i];
                at = decoder.entityDay(new EntityRef(kind, ids.get(position)), day, answer, at, group.keys, i * per);
                result[position] = decoder.last;
            }
        }
        return Arrays.asList(result);
    }

    private RedisFuture<List<Object>> send(Group group, int per, boolean load) {
        String[] groupKeys = group.size * per == group.keys.length ? group.keys
                : Arrays.copyOf(group.keys, group.size * per);
        CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8)
                .add(load ? SCRIPT.body() : SCRIPT.sha()).add(groupKeys.length).addKeys(groupKeys).add(per);
        return store.async().dispatch(load ? CommandType.EVAL : CommandType.EVALSHA, new Flat(), args);
    }

    /** The ids cut into calls: runs of at most MAX_PER_CALL, by hash slot on a Cluster. */
    private List<Group> groups(EntityKind kind, String dayText, List<String> ids, int per) {
        List<String> uniques = kind.uniques();
        List<Group> groups = new ArrayList<>();
        Map<Integer, Group> open = store.isCluster() ? new HashMap<>() : null;
        Group current = null;
        for (int position = 0; position < ids.size(); position++) {
            String prefix = keys.entityDayPrefix(new EntityRef(kind, ids.get(position)), dayText);
            String counters = Keys.countersOf(prefix);
            Group group;
            if (open != null) {
                int slot = SlotHash.getSlot(counters);
                group = open.get(slot);
                if (group == null || group.size == MAX_PER_CALL) {
                    // Most slots hold one entity-day of a chunk: start small, grow when ids share a slot.
                    group = new Group(1, per);
                    open.put(slot, group);
                    groups.add(group);
                }
            } else {
                if (current == null || current.size == MAX_PER_CALL) {
                    current = new Group(Math.min(MAX_PER_CALL, ids.size() - position), per);
                    groups.add(current);
                }
                group = current;
            }
            group.reserve();
            int k = group.size * per;
            group.keys[k] = counters;
            for (int u = 0; u < uniques.size(); u++) {
                group.keys[k + 1 + u] = prefix + uniques.get(u);
            }
            group.keys[k + per - 1] = prefix + Keys.META;
            group.positions[group.size++] = position;
        }
        return groups;
    }

    /** The entity-days of one script call: their positions in the chunk and their keys, {@code per} each. */
    private static final class Group {
        private final int per;
        int[] positions;
        String[] keys;
        int size;

        Group(int capacity, int per) {
            this.per = per;
            positions = new int[capacity];
            keys = new String[capacity * per];
        }

        /** Room for one more entity-day. */
        void reserve() {
            if (size == positions.length) {
                int capacity = Math.min(MAX_PER_CALL, positions.length * 2);
                positions = Arrays.copyOf(positions, capacity);
                keys = Arrays.copyOf(keys, capacity * per);
            }
        }
    }

    /** Turns a flat reply into entity-days; confined to the reading thread. */
    private final class Decoder {
        private final List<String> counters;
        private final List<String> uniques;
        private final Map<String, Integer> counterIndex = new HashMap<>();
        private final long[] values;
        EntityDay last;

        Decoder(EntityKind kind) {
            counters = kind.counters();
            uniques = kind.uniques();
            for (int i = 0; i < counters.size(); i++) {
                counterIndex.put(counters.get(i), i);
            }
            values = new long[counters.size()];
        }

        /** Decodes the entity-day starting at {@code at} into {@link #last}; returns where the next one starts. */
        int entityDay(EntityRef entity, LocalDate day, List<Object> reply, int at, String[] groupKeys, int firstKey) {
            Arrays.fill(values, 0);
            int fields = length(reply.get(at++));
            for (int f = 0; f < fields; f += 2) {
                Integer index = counterIndex.get(text(reply.get(at)));
                if (index != null) {
                    values[index] = number((byte[]) reply.get(at + 1), groupKeys[firstKey]);
                }
                at += 2;
            }
            Map<String, Long> counterValues = new LinkedHashMap<>(counters.size() * 2);
            for (int i = 0; i < counters.size(); i++) {
                counterValues.put(counters.get(i), values[i]);
            }
            Map<String, Long> uniqueValues = new LinkedHashMap<>(uniques.size() * 2);
            Map<String, byte[]> sketches = new LinkedHashMap<>(uniques.size() * 2);
            for (int u = 0; u < uniques.size(); u++) {
                byte[] sketch = (byte[]) reply.get(at++);
                long count = 0;
                if (sketch != null) {
                    try {
                        count = HyperLogLogs.count(sketch);
                    } catch (IllegalArgumentException e) {
                        throw new AnalyticsException(store.server() + " holds " + groupKeys[firstKey + 1 + u]
                                + ", which is " + e.getMessage(), e);
                    }
                    sketches.put(uniques.get(u), sketch);
                }
                uniqueValues.put(uniques.get(u), count);
            }
            int metaFields = length(reply.get(at++));
            Map<String, String> metadata = new LinkedHashMap<>(Math.max(4, metaFields));
            for (int f = 0; f < metaFields; f += 2) {
                metadata.put(text(reply.get(at)), text(reply.get(at + 1)));
                at += 2;
            }
            last = new EntityDay(entity, day, counterValues, uniqueValues, sketches, metadata);
            return at;
        }
    }

    private static int length(Object value) {
        return Math.toIntExact((Long) value);
    }

    private static String text(Object bytes) {
        return new String((byte[]) bytes, StandardCharsets.UTF_8);
    }

    /** A counter's decimal text as HINCRBY left it. */
    private long number(byte[] digits, String key) {
        long value = 0;
        int i = 0;
        boolean negative = digits.length > 1 && digits[0] == '-';
        if (negative) {
            i = 1;
        }
        if (digits.length == 0 || digits.length - i > 18) {
            return parse(digits, key);
        }
        for (; i < digits.length; i++) {
            int digit = digits[i] - '0';
            if (digit < 0 || digit > 9) {
                return parse(digits, key);
            }
            value = value * 10 + digit;
        }
        return negative ? -value : value;
    }

    private long parse(byte[] digits, String key) {
        String text = new String(digits, StandardCharsets.UTF_8);
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new AnalyticsException(store.server() + " holds \"" + text + "\" as a counter in " + key
                    + ", which is not an integer", e);
        }
    }

    /**
     * The reply as it arrives, flattened: byte arrays for bulk strings ({@code null} for nil), longs for integers.
     * Copying the bytes is all the event loop does; decoding happens on the caller's thread.
     */
    private static final class Flat extends CommandOutput<String, String, List<Object>> {
        Flat() {
            super(StringCodec.UTF8, new ArrayList<>());
        }

        @Override
        public void set(ByteBuffer bytes) {
            if (bytes == null) {
                output.add(null);
                return;
            }
            byte[] copy = new byte[bytes.remaining()];
            bytes.get(copy);
            output.add(copy);
        }

        @Override
        public void set(long integer) {
            output.add(integer);
        }
    }
}
