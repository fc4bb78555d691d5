package io.github.iskahomes.analytics.redis;

import io.github.iskahomes.analytics.core.AnalyticsException;
import io.github.iskahomes.analytics.core.internal.Resources;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The reader's reads of a chunk (entity-days, leads): one {@code EVALSHA} of {@code reads.lua} per group of at most
 * {@link #MAX_PER_CALL} items (one group per hash slot on a Cluster, where a call's keys must share a slot; all keys
 * of one item share its slot), instead of one pipelined command per key. What that saves is the client's work: JFR
 * showed the reader's JVM spending about 8 times the CPU of the Redis server, almost all of it in Lettuce's
 * per-command machinery (a future, a timeout, encoding, the command stack); one call per group leaves a few hundred
 * commands for 100,000 entity-days. Replies are copied to byte arrays on the event loop and decoded on the calling
 * thread, each group as soon as it is in while Redis runs the next. Thread-safe.
 */
final class BulkReads {
    /** Items per script call: a call holds Redis for a few milliseconds at most, and its reply stays small. */
    static final int MAX_PER_CALL = 250;
    static final Script SCRIPT = Script.of(Resources.text(BulkReads.class.getResourceAsStream("reads.lua"),
            "Lua resource reads.lua"));

    private final RedisStore store;

    BulkReads(RedisStore store) {
        this.store = store;
    }

    /** Turns one item's part of a reply into a value, reading the reply in the order of the item's keys. */
    interface Decoder<T> {
        T decode(int position, String[] keys, Reply reply);
    }

    /**
     * Reads {@code count} items, item {@code i} being the keys {@code keysOf.apply(i)}, each read as the same letter
     * of {@code ops} says ({@code h} HGETALL, {@code l} LRANGE 0 -1, {@code g} GET); returns the decoded items in
     * position order.
     */
    <T> List<T> read(int count, String ops, IntFunction<String[]> keysOf, Decoder<T> decoder) {
        List<Group> groups = groups(count, keysOf);
        List<RedisFuture<List<Object>>> replies = new ArrayList<>(groups.size());
        for (Group group : groups) {
            replies.add(send(group, ops, false));
        }
        store.flush();
        Object[] result = new Object[count];
        long deadline = store.deadline();
        for (int g = 0; g < groups.size(); g++) {
            List<Object> answer;
            try {
                answer = store.await(replies.get(g), deadline);
            } catch (RedisStore.NoScript e) {
                // A restarted or flushed server: EVAL carries the script (and caches it for the next EVALSHA); the
                // groups not answered yet are sent again the same way.
                for (int again = g; again < groups.size(); again++) {
                    replies.set(again, send(groups.get(again), ops, true));
                }
                store.flush();
                deadline = store.deadline();
                answer = store.await(replies.get(g), deadline);
            }
            Group group = groups.get(g);
            Reply reply = new Reply(answer);
            for (int i = 0; i < group.size(); i++) {
                int position = group.positions[i];
                result[position] = decoder.decode(position, group.keys.get(i), reply);
            }
        }
        @SuppressWarnings("unchecked")
        List<T> items = (List<T>) Arrays.asList(result);
        return items;
    }

    private RedisFuture<List<Object>> send(Group group, String ops, boolean load) {
        CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8)
                .add(load ? SCRIPT.body() : SCRIPT.sha()).add(group.size() * ops.length());
        for (String[] itemKeys : group.keys) {
            args.addKeys(itemKeys);
        }
        return store.async().dispatch(load ? CommandType.EVAL : CommandType.EVALSHA, new Flat(), args.add(ops));
    }

    /** The items cut into calls: runs of at most MAX_PER_CALL, by hash slot on a Cluster. */
    private List<Group> groups(int count, IntFunction<String[]> keysOf) {
        List<Group> groups = new ArrayList<>();
        Map<Integer, Group> bySlot = store.isCluster() ? new HashMap<>() : null;
        Group current = null;
        for (int position = 0; position < count; position++) {
            String[] itemKeys = keysOf.apply(position);
            Group group;
            if (bySlot != null) {
                int slot = SlotHash.getSlot(itemKeys[0]);
                group = bySlot.get(slot);
                if (group == null || group.size() == MAX_PER_CALL) {
                    // Most slots hold one item of a chunk: start small.
                    group = new Group(1);
                    bySlot.put(slot, group);
                    groups.add(group);
                }
            } else {
                if (current == null || current.size() == MAX_PER_CALL) {
                    current = new Group(Math.min(MAX_PER_CALL, count - position));
                    groups.add(current);
                }
                group = current;
            }
            group.add(position, itemKeys);
        }
        return groups;
    }

    /** The items of one script call: their positions in the chunk and their keys. */
    private static final class Group {
        int[] positions;
        final List<String[]> keys;

        Group(int capacity) {
            positions = new int[capacity];
            keys = new ArrayList<>(capacity);
        }

        int size() {
            return keys.size();
        }

        void add(int position, String[] itemKeys) {
            if (keys.size() == positions.length) {
                positions = Arrays.copyOf(positions, Math.min(MAX_PER_CALL, positions.length * 2));
            }
            positions[keys.size()] = position;
            keys.add(itemKeys);
        }
    }

    /** A flat reply read in order; confined to the reading thread. */
    final class Reply {
        private final List<Object> values;
        private int at;

        private Reply(List<Object> values) {
            this.values = values;
        }

        /** The length of what an {@code h} or {@code l} read answered. */
        int length() {
            return Math.toIntExact((Long) values.get(at++));
        }

        /** The next bulk string's bytes, {@code null} for a nil reply. */
        byte[] bytes() {
            return (byte[]) values.get(at++);
        }

        /** The next bulk string as UTF-8 text, {@code null} for a nil reply. */
        String text() {
            byte[] bytes = bytes();
            return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
        }

        /** The next bulk string as an integer, as INCRBY/HINCRBY leave it; 0 for a nil reply. */
        long integer(String key) {
            byte[] digits = bytes();
            if (digits == null) {
                return 0;
            }
            int i = digits.length > 1 && digits[0] == '-' ? 1 : 0;
            if (digits.length == 0 || digits.length - i > 18) {
                return parse(digits, key);
            }
            long value = 0;
            for (int d = i; d < digits.length; d++) {
                int digit = digits[d] - '0';
                if (digit < 0 || digit > 9) {
                    return parse(digits, key);
                }
                value = value * 10 + digit;
            }
            return i == 1 ? -value : value;
        }

        private long parse(byte[] digits, String key) {
            String text = new String(digits, StandardCharsets.UTF_8);
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new AnalyticsException(store.server() + " holds \"" + text + "\" in " + key
                        + ", where an integer belongs", e);
            }
        }
    }

    /**
     * The reply as it arrives, flattened: byte arrays for bulk strings ({@code null} for nil), longs for integers, and
     * each nested array as its length followed by its elements. Copying the bytes is all the event loop does.
     */
    private static final class Flat extends CommandOutput<String, String, List<Object>> {
        private boolean top = true;

        Flat() {
            super(StringCodec.UTF8, new ArrayList<>());
        }

        @Override
        public void multi(int count) {
            if (top) {
                // The reply's own array: its length is not part of any item.
                top = false;
                if (count > 0) {
                    ((ArrayList<Object>) output).ensureCapacity(count * 4);
                }
                return;
            }
            output.add((long) count);
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
