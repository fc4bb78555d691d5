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
    /** Elements and bytes per item of the last reply: hints for the next one's arrays (races are harmless). */
    private volatile int elementsPerItem = 32;
    private volatile int bytesPerItem = 512;

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
        List<RedisFuture<Flat.Values>> replies = new ArrayList<>(groups.size());
        for (Group group : groups) {
            replies.add(send(group, ops, false));
        }
        store.flush();
        Object[] result = new Object[count];
        long deadline = store.deadline();
        for (int g = 0; g < groups.size(); g++) {
            Flat.Values answer;
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
            elementsPerItem = answer.size / group.size() + 2;
            bytesPerItem = answer.used / group.size() + 16;
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

    private RedisFuture<Flat.Values> send(Group group, String ops, boolean load) {
        CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8)
                .add(load ? SCRIPT.body() : SCRIPT.sha()).add(group.size() * ops.length());
        for (String[] itemKeys : group.keys) {
            args.addKeys(itemKeys);
        }
        // Sized like the last reply per item, so a reply's arrays rarely grow (each growth is a copy).
        int items = group.size();
        Flat reply = new Flat(Math.max(16, items * elementsPerItem), Math.max(256, items * bytesPerItem));
        return store.async().dispatch(load ? CommandType.EVAL : CommandType.EVALSHA, reply, args.add(ops));
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
        /** {@link #field}: a field name that is metadata (starts with {@code a}-{@code z}, not a counter). */
        static final int METADATA = -1;
        /** {@link #field}: a field name that is neither a counter nor metadata (markers, bookkeeping). */
        static final int OTHER = -2;

        private final Flat.Values values;
        private int at;

        private Reply(Flat.Values values) {
            this.values = values;
        }

        /** The length of what an {@code h} or {@code l} read answered. */
        int length() {
            return Math.toIntExact(values.integers[at++]);
        }

        /** The next bulk string's bytes, {@code null} for a nil reply. */
        byte[] bytes() {
            int i = at++;
            int length = values.lengths[i];
            return length < 0 ? null : Arrays.copyOfRange(values.arena, values.starts[i], values.starts[i] + length);
        }

        /** The next bulk string as UTF-8 text, {@code null} for a nil reply. */
        String text() {
            int i = at++;
            int length = values.lengths[i];
            return length < 0 ? null : new String(values.arena, values.starts[i], length, StandardCharsets.UTF_8);
        }

        /**
         * What the next bulk string, a field name of an entity-day's hash, is: the index of the one of
         * {@code counters} (UTF-8) it equals, matched without making a String of it; else {@link #METADATA} when it
         * starts with a lowercase ASCII letter; else {@link #OTHER}. {@link #name()} then gives it as text.
         */
        int field(byte[][] counters) {
            int i = at++;
            int length = values.lengths[i];
            if (length <= 0) {
                return OTHER;
            }
            int start = values.starts[i];
            byte first = values.arena[start];
            if (first < 'a' || first > 'z') {
                return OTHER;
            }
            for (int n = 0; n < counters.length; n++) {
                byte[] name = counters[n];
                if (name.length == length && name[0] == first
                        && Arrays.equals(name, 0, length, values.arena, start, start + length)) {
                    return n;
                }
            }
            return METADATA;
        }

        /** The bulk string just read (by {@link #field}) as UTF-8 text. */
        String name() {
            int i = at - 1;
            return new String(values.arena, values.starts[i], values.lengths[i], StandardCharsets.UTF_8);
        }

        /** Passes over the next element. */
        void skip() {
            at++;
        }

        /** The next bulk string as an integer, as INCRBY/HINCRBY leave it; 0 for a nil reply. */
        long integer(String key) {
            int e = at++;
            int length = values.lengths[e];
            if (length < 0) {
                return 0;
            }
            byte[] arena = values.arena;
            int start = values.starts[e];
            int i = length > 1 && arena[start] == '-' ? 1 : 0;
            if (length == 0 || length - i > 18) {
                return parse(e, key);
            }
            long value = 0;
            for (int d = i; d < length; d++) {
                int digit = arena[start + d] - '0';
                if (digit < 0 || digit > 9) {
                    return parse(e, key);
                }
                value = value * 10 + digit;
            }
            return i == 1 ? -value : value;
        }

        private long parse(int e, String key) {
            String text = new String(values.arena, values.starts[e], values.lengths[e], StandardCharsets.UTF_8);
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException ex) {
                throw new AnalyticsException(store.server() + " holds \"" + text + "\" in " + key
                        + ", where an integer belongs", ex);
            }
        }
    }

    /**
     * The reply as it arrives, flattened: per element, its bytes in one shared array (bulk strings; a length of -1
     * for nil) or an integer (Lua numbers, and each nested array's length before its elements). One growing array
     * instead of a byte array per element: those were most of the reader's garbage. Copying the bytes is all the
     * event loop does.
     */
    private static final class Flat extends CommandOutput<String, String, Flat.Values> {
        /** The elements so far. Written on the event loop, read after the command completed. */
        static final class Values {
            byte[] arena;
            int used;
            int[] starts;
            int[] lengths;
            long[] integers;
            int size;

            Values(int elements, int bytes) {
                arena = new byte[bytes];
                starts = new int[elements];
                lengths = new int[elements];
                integers = new long[elements];
            }

            private int next() {
                if (size == starts.length) {
                    int capacity = size * 2;
                    starts = Arrays.copyOf(starts, capacity);
                    lengths = Arrays.copyOf(lengths, capacity);
                    integers = Arrays.copyOf(integers, capacity);
                }
                return size++;
            }
        }

        private boolean top = true;

        Flat(int elements, int bytes) {
            super(StringCodec.UTF8, new Values(elements, bytes));
        }

        @Override
        public void multi(int count) {
            if (top) {
                // The reply's own array: its length is not part of any item.
                top = false;
                return;
            }
            set((long) count);
        }

        @Override
        public void set(ByteBuffer bytes) {
            int i = output.next();
            if (bytes == null) {
                output.lengths[i] = -1;
                return;
            }
            int length = bytes.remaining();
            if (output.used + length > output.arena.length) {
                output.arena = Arrays.copyOf(output.arena, Math.max(output.arena.length * 2, output.used + length));
            }
            bytes.get(output.arena, output.used, length);
            output.starts[i] = output.used;
            output.lengths[i] = length;
            output.used += length;
        }

        @Override
        public void set(long integer) {
            int i = output.next();
            output.lengths[i] = -2;
            output.integers[i] = integer;
        }
    }
}
