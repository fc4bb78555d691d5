package io.github.iskahomes.analytics.redis;

import io.github.iskahomes.analytics.core.EntityKind;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The ops of a batch's events on one entity-day (one hash slot), as one {@link Script#APPLY} call with one segment
 * per event. An event's ops are gathered while its mutations are mapped and, when the event ends ({@link #end}),
 * written as RESP into the batch's array ({@link Batch#arena}) in their wire form ({@link Op}): counters from their
 * letters, a unique member from its tag and hash, positions and sums as decimals, with no op objects, value lists or
 * {@code String[]} of ARGV in between. The call's body is then those bytes, each segment behind its event's dedupe
 * check. Each segment is deduplicated by its event's uuid: on a Cluster (and with one call per slot) by the event's
 * {@link Marker} in the entity-day's own marker bucket ({@code …:marks}, KEYS[1]); on a standalone Redis, where the
 * batch is one script, by the event's count marker, which the segment names as {@code ('#', k)}: the k-th event count
 * of the script. Not thread-safe: one batch's planning owns it.
 */
final class EntityDayOps implements ScriptCall.Body {
    /** What the entity-days of one planned batch share: the array their segments are written to, and scratch. */
    static final class Batch {
        final Resp arena;
        private final ArrayDeque<Pending> free = new ArrayDeque<>();

        Batch(int events) {
            arena = new Resp(Math.max(1024, events * 192));
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
    /** Per segment: its event (its place in the batch), where its bytes are in the arena, its ops and ARGV. */
    private int segments;
    private int[] segmentData = new int[SEGMENT];
    /** A segment's entries in {@link #segmentData}, {@link #SEGMENT} per segment. */
    private static final int EVENT = 0;
    private static final int FROM = 1;
    private static final int LENGTH = 2;
    private static final int OPS = 3;
    private static final int ARGS = 4;
    private static final int SEGMENT = 5;
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
        int from = out.size();
        int fromCount = out.count();
        int count = 0;
        if (letters != 0) {
            out.bulk(Op.COUNTERS.code);
            out.bulk(position(countersSlot));
            out.bulk("1");
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
                fields(out, ops.keys[o], ops.values, 2 * o, run);
                o += run - 1;
            } else {
                out.bulk(op.code);
                out.bulk(position(ops.keys[o]));
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
                fields(out, countersSlot, metadata, f, run);
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
        data[s + OPS] = count;
        data[s + ARGS] = out.count() - fromCount;
        ops.clear();
        batch.free.push(ops);
        open = null;
        return signature;
    }

    /** The most fields one HSET op sets: its fields and values are at most {@link Script#MAX_UNPACK}. */
    private static final int MAX_PAIRS = Script.MAX_UNPACK / 2;

    /** {@code run} fields of one hash, their names and values from {@code values[from..]}: one HSET. */
    private void fields(Resp out, int key, String[] values, int from, int run) {
        fields(out, key, Arrays.asList(values), from, run);
    }

    private void fields(Resp out, int key, List<String> values, int from, int run) {
        out.bulk(run == 1 ? Op.FIELD.code : Op.FIELDS.code);
        out.bulk(position(key));
        if (run > 1) {
            out.bulk(ScriptCall.position(run));
        }
        for (int v = from; v < from + 2 * run; v++) {
            out.bulk(values.get(v));
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
     * A key's position in KEYS as the script reads it: a day key's from 1; a span key's as {@code -i} for the i-th
     * after the day keys, since the day keys may still grow when a segment is written.
     */
    private static String position(int slot) {
        return slot >= 0 ? ScriptCall.position(slot + 1) : Integer.toString(slot);
    }

    /**
     * The call, each segment headed by its event's dedupe check: {@code markFields[e]} and {@code markValues[e]}
     * are the event's {@link Marker} (one call per slot) or {@code '#'} and its count's place in the script.
     */
    ScriptCall call(String[] markFields, String[] markValues) {
        this.markFields = markFields;
        this.markValues = markValues;
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
            count += 3 + segmentData[SEGMENT * s + ARGS];
        }
        return count;
    }

    @Override
    public void writeTo(Resp out) {
        for (int s = 0; s < segments; s++) {
            int at = SEGMENT * s;
            int event = segmentData[at + EVENT];
            out.bulk(markFields[event]);
            out.bulk(markValues[event]);
            out.bulk(ScriptCall.position(segmentData[at + OPS]));
            out.copy(batch.arena, segmentData[at + FROM], segmentData[at + LENGTH]);
        }
    }
}
