package io.github.iskahomes.analytics.redis;

import io.github.iskahomes.analytics.core.EntityKind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The ops of a batch's events on one entity-day (one hash slot), as one {@link Script#APPLY} call with one segment
 * per event. An event's ops are gathered while its mutations are mapped and, when the event ends ({@link #end}),
 * written in their wire form ({@link Op}): their codes, key positions and counts as the bytes of the segment's head
 * ({@link Batch#heads}), and the texts Redis stores as RESP into the batch's array ({@link Batch#arena}): counters
 * from their letters, a unique member from its tag and hash, sums as decimals, with no op objects, value lists or
 * {@code String[]} of ARGV in between. The call's body is then those bytes, each segment's head starting with its
 * event's dedupe check. Each segment is deduplicated by its event's uuid: on a Cluster (and with one call per slot) by
 * the event's {@link Marker} in the entity-day's own marker bucket ({@code …:marks}, KEYS[1]); on a standalone Redis,
 * where the batch is one script, by the event's count marker, which the segment's head names as {@code '#'} and k:
 * the k-th event count of the script. Not thread-safe: one batch's planning owns it.
 */
final class EntityDayOps implements ScriptCall.Body {
    /**
     * What the entity-days of one planned batch share: the arrays their segments are written to (the texts as RESP,
     * the heads' op bytes raw), and scratch.
     */
    static final class Batch {
        final Resp arena;
        final Resp heads;
        private final ArrayDeque<Pending> free = new ArrayDeque<>();

        Batch(int events) {
            arena = new Resp(Math.max(1024, events * 160));
            heads = new Resp(Math.max(256, events * 16));
        }
    }

    /**
     * An open segment's ops other than its counters that each add 1 (those are {@link #letters}), in the order
     * they came: kind, key slot and values. Reused from segment to segment through {@link Batch}.
     */
    private static final class Pending {
        int size;
        Op[] ops = new Op[8];
        /** A day key's slot, or {@code -1 - i} for the i-th span key. */
        int[] keys = new int[8];
        /** COUNTER: the letter's bit and the sum; UNIQUE: the companion's bit and the tag. */
        long[] numbers = new long[16];
        String[] values = new String[16];
        /** The segment's metadata fields and values, sent or dropped as one at {@link #end}. */
        final List<String> metadata = new ArrayList<>(8);

        void add(Op op, int key, long first, long second, String a, String b) {
            if (size == ops.length) {
                ops = Arrays.copyOf(ops, size * 2);
                keys = Arrays.copyOf(keys, size * 2);
                numbers = Arrays.copyOf(numbers, size * 4);
                values = Arrays.copyOf(values, size * 4);
            }
            ops[size] = op;
            keys[size] = key;
            numbers[2 * size] = first;
            numbers[2 * size + 1] = second;
            values[2 * size] = a;
            values[2 * size + 1] = b;
            size++;
        }

        void clear() {
            Arrays.fill(values, 0, 2 * size, null);
            size = 0;
            metadata.clear();
        }
    }

    /** What names the counters hash among the day keys: no metric or key name is empty. */
    private static final String COUNTERS = "";

    private final EntityKind kind;
    /** {@code P<kind>:{<id>}:day:<day>}: the counters hash; a metric's key is it, a colon and the metric. */
    private final String counters;
    private final String expiry;
    private final String leadActionCap;
    private final Batch batch;
    /**
     * Day keys in KEYS order, each after what names it (its metric or, for others, its key): a few, looked up by a
     * scan (a map per entity-day was a visible share of planning).
     */
    private String[] dayKeys = new String[4];
    private int dayKeyCount;
    /** The counters hash's index in {@link #dayKeys}, -1 until it has one. */
    private int countersSlot = -1;
    /** Keys that span days (a lead's), created with the entity-day's first lead op. */
    private List<String> spanKeys = List.of();
    /**
     * Per segment: its event (its place in the batch), where its texts are in the arena and its ops' bytes in the
     * heads, its op count and its texts' count.
     */
    private int segments;
    private int[] segmentData = new int[SEGMENT];
    /** A segment's entries in {@link #segmentData}, {@link #SEGMENT} per segment. */
    private static final int EVENT = 0;
    private static final int FROM = 1;
    private static final int LENGTH = 2;
    private static final int HEAD_FROM = 3;
    private static final int HEAD_LENGTH = 4;
    private static final int OPS = 5;
    private static final int TEXTS = 6;
    private static final int SEGMENT = 7;
    /** Where the call's answers are: this group's place among the batch's entity-day calls. */
    final int index;
    /** The event whose segment is open, {@code -1} before the first. */
    int lastEvent = -1;
    /** {@link MetadataCache#keySignature} of the counters hash, 0 until asked for. */
    private long keySignature;
    /** The open segment's counters that each add 1, as bits of their letters ({@link Keys#counterField}). */
    private int letters;
    private Pending open;
    /** Set by {@link #call}: each event's dedupe check. */
    private String[] markFields;
    private String[] markValues;
    private int[] countPlaces;

    /** {@code marked}: the entity-day's marker bucket is KEYS[1] (one call per slot); otherwise it has none. */
    EntityDayOps(EntityKind kind, String counters, String expiry, String leadActionCap, int index, boolean marked,
                 Batch batch) {
        this.kind = kind;
        this.counters = counters;
        this.index = index;
        this.batch = batch;
        this.expiry = expiry;
        this.leadActionCap = leadActionCap;
        if (marked) {
            countersSlot(); // KEYS[1]: the counters hash is also the entity-day's first marker bucket
        }
    }

    int segmentCount() {
        return segments;
    }

    /** Opens a segment for the batch's {@code event}-th event. */
    void begin(int event) {
        lastEvent = event;
        letters = 0;
        open = batch.free.isEmpty() ? new Pending() : batch.free.pop();
    }

    /** Sets the metadata field {@code field} (lister_id, …) of the open segment; see {@link #end}. */
    void metadata(String field, String value) {
        open.metadata.add(field);
        open.metadata.add(value);
    }

    /**
     * Adds {@code by} to the counter {@code metric}, a field of the entity-day's counters hash. An event's counters
     * that each add 1 go as one field, their combination ({@link Keys#counterField}); the script sums a call's
     * increments of one field over the segments it applies and sends one HINCRBY per field.
     *
     * @throws IllegalArgumentException if {@code metric} is not a counter of the kind
     */
    void counter(String metric, long by) {
        int bit = Keys.letter(kind, metric) - 'A';
        int slot = countersSlot();
        if (by == 1) {
            letters |= 1 << bit;
        } else {
            open.add(Op.COUNTER, slot, bit, by, null, null);
        }
    }

    /**
     * Adds {@code member} to the unique metric {@code metric}, whose companion counter {@code companion} the same
     * event increments: the member goes with the counter field holding that counter ({@link Op#UNIQUE}).
     */
    void unique(String metric, String companion, String member) {
        char tag = Keys.uniqueTag(kind, metric);
        int bit = Keys.letter(kind, companion) - 'A';
        int slot = daySlot(metric);
        if (slot < 0) {
            slot = daySlot(metric, Keys.metricKey(counters, metric));
        }
        open.add(Op.UNIQUE, slot, bit, tag, member, null);
    }

    /** An op of one value on another key of the day (in the same slot), by its full name. */
    void dayOp(Op op, String key, String value) {
        String id = '\0' + key; // cannot collide with an entity-day suffix
        int slot = daySlot(id);
        if (slot < 0) {
            slot = daySlot(id, key);
        }
        open.add(op, slot, 0, 0, value, null);
    }

    /** An op on a key that spans days (a lead's), whose expiry only ever moves later: one value, or a field's. */
    void spanOp(Op op, String key, String value, String fieldValue) {
        if (spanKeys.isEmpty()) {
            spanKeys = new ArrayList<>(2);
        }
        int slot = spanKeys.indexOf(key);
        if (slot < 0) {
            slot = spanKeys.size();
            spanKeys.add(key);
        }
        open.add(op, -1 - slot, 0, 0, value, fieldValue);
    }

    private int countersSlot() {
        if (countersSlot < 0) {
            countersSlot = daySlot(COUNTERS, counters);
        }
        return countersSlot;
    }

    /** The slot of the day key {@code id} names, or -1. */
    private int daySlot(String id) {
        for (int k = 0; k < dayKeyCount; k++) {
            if (dayKeys[2 * k].equals(id)) {
                return k;
            }
        }
        return -1;
    }

    private int daySlot(String id, String key) {
        if (2 * dayKeyCount == dayKeys.length) {
            dayKeys = Arrays.copyOf(dayKeys, dayKeys.length * 2);
        }
        dayKeys[2 * dayKeyCount] = id;
        dayKeys[2 * dayKeyCount + 1] = key;
        return dayKeyCount++;
    }

    /**
     * Ends the open segment and writes its ops into the batch's array. Its metadata fields go into the counters hash
     * (one HSET) unless {@code written} holds their signature, i.e. this Ingestor wrote the same fields and values to
     * this entity-day lately. Returns the signature to remember once the batch has run, or 0 when nothing was sent.
     */
    long end(MetadataCache written) {
        Pending ops = open;
        long signature = 0;
        if (!ops.metadata.isEmpty()) {
            if (keySignature == 0) {
                keySignature = MetadataCache.keySignature(counters);
            }
            signature = MetadataCache.signature(keySignature, ops.metadata);
            if (written.contains(signature)) {
                signature = 0;
            } else {
                countersSlot();
            }
        }
        Resp out = batch.arena;
        Resp head = batch.heads;
        int from = out.size();
        int fromCount = out.count();
        int headFrom = head.size();
        int count = 0;
        if (letters != 0) {
            Op.COUNTERS.writeHead(head, countersSlot, 1);
            out.letters(letters);
            count++;
        }
        for (int o = 0; o < ops.size; o++) {
            Op op = ops.ops[o];
            if (op == Op.FIELD) {
                int run = 1;
                while (o + run < ops.size && ops.ops[o + run] == Op.FIELD && ops.keys[o + run] == ops.keys[o]
                        && run < MAX_PAIRS) {
                    run++;
                }
                fields(ops.keys[o], Arrays.asList(ops.values), 2 * o, run);
                o += run - 1;
            } else {
                op.writeHead(head, ops.keys[o], 1);
                if (op == Op.COUNTER) {
                    out.letters(1 << (int) ops.numbers[2 * o]);
                    out.bulk(ops.numbers[2 * o + 1]);
                } else if (op == Op.UNIQUE) {
                    out.letters(fieldOf(ops, (int) ops.numbers[2 * o]));
                    out.bulk((char) ops.numbers[2 * o + 1], Keys.memberHash(ops.values[2 * o]));
                } else {
                    out.bulk(ops.values[2 * o]);
                }
            }
            count++;
        }
        if (signature != 0) {
            List<String> metadata = ops.metadata;
            for (int f = 0; f < metadata.size(); f += 2 * MAX_PAIRS) {
                int run = Math.min(MAX_PAIRS, (metadata.size() - f) / 2);
                fields(countersSlot, metadata, f, run);
                count++;
            }
        }
        if (SEGMENT * segments == segmentData.length) {
            segmentData = Arrays.copyOf(segmentData, segmentData.length * 2);
        }
        int[] data = segmentData;
        int s = SEGMENT * segments++;
        data[s + EVENT] = lastEvent;
        data[s + FROM] = from;
        data[s + LENGTH] = out.size() - from;
        data[s + HEAD_FROM] = headFrom;
        data[s + HEAD_LENGTH] = head.size() - headFrom;
        data[s + OPS] = count;
        data[s + TEXTS] = out.count() - fromCount;
        ops.clear();
        batch.free.push(ops);
        open = null;
        return signature;
    }

    /** The most fields one HSET op sets: its fields and values are at most {@link Script#MAX_UNPACK}. */
    private static final int MAX_PAIRS = Script.MAX_UNPACK / 2;

    /** {@code run} fields of one hash, their names and values from {@code values[from..]}: one HSET. */
    private void fields(int key, List<String> values, int from, int run) {
        Op op = run == 1 ? Op.FIELD : Op.FIELDS;
        op.writeHead(batch.heads, key, run);
        for (int v = from; v < from + 2 * run; v++) {
            batch.arena.bulk(values.get(v));
        }
    }

    /**
     * The counter field of the open segment that holds the counter of letter bit {@code bit}: the combination of
     * its counters that add 1, or the letter alone when it adds more.
     */
    private int fieldOf(Pending ops, int bit) {
        if ((letters & 1 << bit) != 0) {
            return letters;
        }
        for (int o = 0; o < ops.size; o++) {
            if (ops.ops[o] == Op.COUNTER && ops.numbers[2 * o] == bit) {
                return 1 << bit;
            }
        }
        throw new IllegalStateException("a unique metric of " + counters + " moves without its companion "
                + kind.counters().get(bit));
    }

    /**
     * The call, each segment headed by its event's dedupe check: {@code countPlaces[e]}, the event's count's place
     * in the script (a standalone Redis; {@code countPlaces} is null otherwise), or its {@link Marker},
     * {@code markFields[e]} and {@code markValues[e]} (one call per slot).
     */
    ScriptCall call(String[] markFields, String[] markValues, int[] countPlaces) {
        this.markFields = markFields;
        this.markValues = markValues;
        this.countPlaces = countPlaces;
        String[] keyArray = new String[dayKeyCount + spanKeys.size()];
        for (int k = 0; k < dayKeyCount; k++) {
            keyArray[k] = dayKeys[2 * k + 1];
        }
        for (int k = 0; k < spanKeys.size(); k++) {
            keyArray[dayKeyCount + k] = spanKeys.get(k);
        }
        return new ScriptCall(Script.APPLY, keyArray, new ScriptCall.Header(expiry, dayKeyCount, leadActionCap),
                this, segments);
    }

    @Override
    public int count() {
        int count = 0;
        for (int s = 0; s < segments; s++) {
            count += 1 + (countPlaces == null ? 2 : 0) + segmentData[SEGMENT * s + TEXTS];
        }
        return count;
    }

    @Override
    public void writeTo(Resp out) {
        for (int s = 0; s < segments; s++) {
            int at = SEGMENT * s;
            int event = segmentData[at + EVENT];
            writeHead(out, countPlaces != null ? countPlaces[event] : MARKED, segmentData[at + OPS],
                    segmentData[at + TEXTS], batch.heads, segmentData[at + HEAD_FROM], segmentData[at + HEAD_LENGTH]);
            if (countPlaces == null) {
                out.bulk(markFields[event]);
                out.bulk(markValues[event]);
            }
            out.copy(batch.arena, segmentData[at + FROM], segmentData[at + LENGTH]);
        }
    }

    /** A segment's check: its own marker follows its head ({@code 'm'}). */
    static final int MARKED = -1;
    /** A segment's check: none ({@code '-'}, the idempotent index adds). */
    static final int UNCHECKED = 0;

    /**
     * A segment's head, one binary argument: its check ({@code '#'} and the event count's place {@code check} in
     * the script, {@code 'm'} for {@link #MARKED}, {@code '-'} for {@link #UNCHECKED}), its op count, the count of
     * its texts, then its ops' bytes ({@link Op#writeHead}), {@code length} of them at {@code from} in {@code ops}.
     */
    static void writeHead(Resp out, int check, int opCount, int texts, Resp ops, int from, int length) {
        out.open((check > 0 ? 4 : 1) + 5 + length);
        if (check > 0) {
            out.u8('#');
            out.u24(check);
        } else {
            out.u8(check == MARKED ? 'm' : '-');
        }
        out.u16(opCount);
        out.u24(texts);
        out.copy(ops, from, length);
        out.close();
    }
}
