package io.github.iskahomes.analytics.redis;

import io.github.iskahomes.analytics.core.AnalyticsException;
import io.github.iskahomes.analytics.core.internal.Resources;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The reader's reads of a chunk (entity-days, leads): one {@code EVALSHA} of {@code reads.lua} per group of at most
 * {@link #MAX_PER_CALL} items (one group per hash slot on a Cluster, where a call's keys must share a slot; all keys
 * of one item share its slot), instead of one pipelined command per key. What that saves is the client's work: JFR
 * showed the reader's JVM spending about 8 times the CPU of the Redis server, almost all of it in Lettuce's
 * per-command machinery (a future, a timeout, encoding, the command stack); one call per group leaves a few hundred
 * commands for 100,000 entity-days. Replies are copied to byte arrays on the event loop and decoded on the calling
 * thread, each group as soon as it is in while Redis runs the next. Thread-safe.
 *
 * <p>The keys of an item are written straight into Lettuce's buffer from their parts ({@link Shape}: a head and a tail
 * per key shared by every item, the item's id between them), and a reply's arrays are reused from one call to the
 * next: key Strings, Lettuce's argument objects, the decimal text of each key's length and the reply arrays were most
 * of what the reader left for the collector (JFR allocation samples), which under a 64 MB heap cost CPU beside
 * PostgreSQL's.
 */
final class BulkReads {
    /** Items per script call: a call holds Redis for a few milliseconds at most, and its reply stays small. */
    static final int MAX_PER_CALL = 250;
    static final Script SCRIPT = Script.of(Resources.text(BulkReads.class.getResourceAsStream("reads.lua"),
            "Lua resource reads.lua"));
    /** Reply arrays kept for the next calls: a chunk's calls are answered one after the other, so a few suffice. */
    private static final int POOLED = 8;

    private final RedisStore store;
    /** Elements and bytes per item of the last reply: hints for the next one's arrays (races are harmless). */
    private volatile int elementsPerItem = 32;
    private volatile int bytesPerItem = 512;
    private final ArrayDeque<Flat.Values> pool = new ArrayDeque<>(POOLED);

    BulkReads(RedisStore store) {
        this.store = store;
    }

    /** Turns one item's part of a reply into a value, reading the reply in the order of the item's keys. */
    interface Decoder<T> {
        T decode(int position, Reply reply);
    }

    /**
     * The keys of every item of one read: key {@code k} of an item is {@code head + middle + tails[k]}, the middle
     * being the item's own part (an entity's id, a lead's listing and seeker), read as letter {@code k} of
     * {@code ops} says ({@code h} HGETALL, {@code l} LRANGE 0 -1, {@code g} GET). Immutable.
     */
    static final class Shape {
        private final String ops;
        private final String head;
        private final String[] tails;
        private final byte[] headBytes;
        private final byte[][] tailBytes;

        Shape(String head, String[] tails, String ops) {
            if (tails.length != ops.length()) {
                throw new IllegalArgumentException(tails.length + " keys for the reads " + ops);
            }
            this.ops = ops;
            this.head = head;
            this.tails = tails.clone();
            this.headBytes = head.getBytes(StandardCharsets.UTF_8);
            this.tailBytes = new byte[tails.length][];
            for (int k = 0; k < tails.length; k++) {
                tailBytes[k] = tails[k].getBytes(StandardCharsets.UTF_8);
            }
        }

        /** Key {@code k} of the item whose middle is {@code middle}, as text (for errors and slots). */
        String key(String middle, int k) {
            return head + middle + tails[k];
        }

        int keys() {
            return tails.length;
        }
    }

    /**
     * Reads the items whose middles are {@code middles} (see {@link Shape}); returns the decoded items in their
     * order.
     */
    <T> List<T> read(Shape shape, List<String> middles, Decoder<T> decoder) {
        int count = middles.size();
        List<int[]> groups = groups(shape, middles);
        List<RedisFuture<Flat.Values>> replies = new ArrayList<>(groups.size());
        for (int[] group : groups) {
            replies.add(send(shape, middles, group, false));
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
                    replies.set(again, send(shape, middles, groups.get(again), true));
                }
                store.flush();
                deadline = store.deadline();
                answer = store.await(replies.get(g), deadline);
            }
            int[] group = groups.get(g);
            int size = group[0];
            elementsPerItem = answer.size / size + 2;
            bytesPerItem = answer.used / size + 16;
            Reply reply = new Reply(answer);
            for (int i = 1; i <= size; i++) {
                int position = group[i];
                result[position] = decoder.decode(position, reply);
            }
            release(answer);
        }
        @SuppressWarnings("unchecked")
        List<T> items = (List<T>) Arrays.asList(result);
        return items;
    }

    private RedisFuture<Flat.Values> send(Shape shape, List<String> middles, int[] group, boolean load) {
        int items = group[0];
        Flat reply = new Flat(acquire(Math.max(16, items * elementsPerItem), Math.max(256, items * bytesPerItem)));
        ReadArgs args = new ReadArgs(load ? SCRIPT.body() : SCRIPT.sha(), shape, middles, group);
        return store.async().dispatch(load ? CommandType.EVAL : CommandType.EVALSHA, reply, args);
    }

    /**
     * The items cut into calls, each as {@code [size, position…]}: runs of at most MAX_PER_CALL, by hash slot on a
     * Cluster.
     */
    private List<int[]> groups(Shape shape, List<String> middles) {
        int count = middles.size();
        List<int[]> groups = new ArrayList<>();
        if (!store.isCluster()) {
            for (int from = 0; from < count; from += MAX_PER_CALL) {
                int size = Math.min(MAX_PER_CALL, count - from);
                int[] group = new int[size + 1];
                group[0] = size;
                for (int i = 0; i < size; i++) {
                    group[1 + i] = from + i;
                }
                groups.add(group);
            }
            return groups;
        }
        Map<Integer, Integer> bySlot = new HashMap<>();
        for (int position = 0; position < count; position++) {
            int slot = SlotHash.getSlot(shape.key(middles.get(position), 0));
            Integer at = bySlot.get(slot);
            int[] group = at == null ? null : groups.get(at);
            if (group == null || group[0] == MAX_PER_CALL) {
                // Most slots hold one item of a chunk: start small.
                group = new int[2];
                bySlot.put(slot, groups.size());
                groups.add(group);
            } else if (group[0] + 1 == group.length) {
                group = Arrays.copyOf(group, Math.min(MAX_PER_CALL + 1, group.length * 2));
                groups.set(bySlot.get(slot), group);
            }
            group[++group[0]] = position;
        }
        return groups;
    }

    private Flat.Values acquire(int elements, int bytes) {
        Flat.Values values;
        synchronized (pool) {
            values = pool.poll();
        }
        if (values == null) {
            return new Flat.Values(elements, bytes);
        }
        values.reset();
        return values;
    }

    private void release(Flat.Values values) {
        synchronized (pool) {
            if (pool.size() < POOLED) {
                pool.push(values);
            }
        }
    }

    /**
     * The arguments of one call ({@code EVALSHA sha numkeys key… ops}, or {@code EVAL body …}), written as RESP bulk
     * strings straight from the shape's bytes and the items' middles: the same bytes Lettuce's own {@link CommandArgs}
     * writes ({@code BulkReadsTest}), without an argument object, a key String or the decimal text of a length per
     * key. Lettuce's I/O thread encodes it; the middles are not changed meanwhile.
     */
    static final class ReadArgs extends CommandArgs<String, String> {
        private final String script;
        private final Shape shape;
        private final List<String> middles;
        private final int[] group;

        ReadArgs(String script, Shape shape, List<String> middles, int[] group) {
            super(StringCodec.UTF8);
            this.script = script;
            this.shape = shape;
            this.middles = middles;
            this.group = group;
        }

        private int keys() {
            return group[0] * shape.keys();
        }

        @Override
        public int count() {
            return 3 + keys();
        }

        /** The first key, by which a Cluster connection routes the call to its slot's master. */
        @Override
        public ByteBuffer getFirstEncodedKey() {
            return group[0] == 0 ? null : ByteBuffer.wrap(shape.key(middles.get(group[1]), 0)
                    .getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void encode(ByteBuf buf) {
            Resp out = Resp.start();
            out.bulk(script);
            out.bulk(Integer.toString(keys()));
            byte[] head = shape.headBytes;
            byte[][] tails = shape.tailBytes;
            for (int i = 1; i <= group[0]; i++) {
                String middle = middles.get(group[i]);
                for (byte[] tail : tails) {
                    out.bulk(head, middle, tail);
                }
            }
            out.bulk(shape.ops);
            out.writeTo(buf);
        }

        @Override
        public String toCommandString() {
            return (script.length() == 40 ? script : "<script>") + " " + keys() + " keys "
                    + (group[0] == 0 ? "" : shape.key(middles.get(group[1]), 0) + "… ") + shape.ops;
        }

        @Override
        public String toString() {
            return getClass().getSimpleName() + " [" + toCommandString() + "]";
        }
    }

    /** A flat reply read in order; confined to the reading thread. */
    final class Reply {
        /** {@link #field}: a field name that is metadata (starts with {@code a}-{@code z}, not a counter). */
        static final int METADATA = -1;
        /** {@link #field}: a field name that is neither a counter nor metadata (markers, bookkeeping). */
        static final int OTHER = -2;
        /** {@link #field}: a combination of counters ({@link Keys#counterField}), read with {@link #combination}. */
        static final int COMBINATION = -3;

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
            return values.lengths[i] < 0 ? null : utf8(i);
        }

        /** Element {@code i}, a bulk string, as UTF-8 text. */
        private String utf8(int i) {
            return new String(values.arena, values.starts[i], values.lengths[i], StandardCharsets.UTF_8);
        }

        /**
         * What the next bulk string, a field name of an entity-day's hash, is: the index of the one of
         * {@code counters} (UTF-8) it equals, matched without making a String of it; else {@link #METADATA} when it
         * starts with a lowercase ASCII letter; else {@link #COMBINATION} when it is all uppercase ASCII letters;
         * else {@link #OTHER}. {@link #name} then gives it as text.
         */
        int field(byte[][] counters) {
            int i = at++;
            int length = values.lengths[i];
            if (length <= 0) {
                return OTHER;
            }
            int start = values.starts[i];
            byte first = values.arena[start];
            if (first >= 'A' && first <= 'Z') {
                for (int b = start + 1, end = start + length; b < end; b++) {
                    if (values.arena[b] < 'A' || values.arena[b] > 'Z') {
                        return OTHER;
                    }
                }
                return COMBINATION;
            }
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

        /**
         * The bulk string just read (by {@link #field}) as UTF-8 text: the same String as the last time these bytes
         * were named through {@code names}, which remembers a few, so a chunk's metadata field names are made once.
         */
        String name(Names names) {
            int i = at - 1;
            int start = values.starts[i];
            int length = values.lengths[i];
            for (int n = 0; n < names.size; n++) {
                byte[] known = names.bytes[n];
                if (known.length == length && Arrays.equals(known, 0, length, values.arena, start, start + length)) {
                    return names.texts[n];
                }
            }
            String text = utf8(i);
            names.add(Arrays.copyOfRange(values.arena, start, start + length), text);
            return text;
        }

        /**
         * Reads the value of the field just read (one {@link #field} called {@link #OTHER}): when the field is an
         * inline member of unique metrics, its value is their tags ({@code 'a'} plus the metric's index,
         * {@link Keys#uniqueMember}), answered as a bit per index; 0 for any other field (a marker, the writer's
         * bookkeeping). {@link #fieldRegister} then gives the member.
         */
        int memberTags() {
            int i = at++;
            int length = values.lengths[i];
            if (length <= 0 || length > 8) {
                return 0;
            }
            int tags = 0;
            for (int b = values.starts[i], end = b + length; b < end; b++) {
                byte tag = values.arena[b];
                if (tag < 'a' || tag > 'z') {
                    return 0;
                }
                tags |= 1 << (tag - 'a');
            }
            return tags;
        }

        /**
         * Reads the value of the field just read (one {@link #field} called {@link #COMBINATION}) and adds it to the
         * counter of each of the field's letters ({@code 'A'} is {@code counters[0]}; a letter past the array is a
         * newer writer's counter, left out). Answers the value.
         */
        long combination(long[] counters, String key) {
            long value = integer(key);
            int i = at - 2;
            for (int b = values.starts[i], end = b + values.lengths[i]; b < end; b++) {
                int counter = values.arena[b] - 'A';
                if (counter < counters.length) {
                    counters[counter] += value;
                }
            }
            return value;
        }

        /** The letters of the combination field before the value just read, as a bit per counter index. */
        int letters() {
            int i = at - 2;
            int letters = 0;
            for (int b = values.starts[i], end = b + values.lengths[i]; b < end; b++) {
                letters |= 1 << (values.arena[b] - 'A');
            }
            return letters;
        }

        /**
         * The field before the value just read, an inline member, as the register it raises in a sketch
         * ({@link HyperLogLogs#registerOf(byte[], int, int)}), hashed from the reply's bytes without a String.
         */
        long fieldRegister() {
            int i = at - 2;
            return HyperLogLogs.registerOf(values.arena, values.starts[i], values.lengths[i]);
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
            String text = utf8(e);
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException ex) {
                throw new AnalyticsException(store.server() + " holds \"" + text + "\" in " + key
                        + ", where an integer belongs", ex);
            }
        }
    }

    /** The few field names a read has seen, as bytes and text; confined to the reading thread. */
    static final class Names {
        private static final int MAX = 16;
        private final byte[][] bytes = new byte[MAX][];
        private final String[] texts = new String[MAX];
        private int size;

        private void add(byte[] name, String text) {
            if (size < MAX) {
                bytes[size] = name;
                texts[size] = text;
                size++;
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
        /** The elements so far. Written on the event loop, read after the command completed; then reused. */
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

            void reset() {
                used = 0;
                size = 0;
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

        Flat(Values values) {
            super(StringCodec.UTF8, values);
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
