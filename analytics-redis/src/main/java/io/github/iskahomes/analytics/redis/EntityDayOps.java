package io.github.iskahomes.analytics.redis;

import io.github.iskahomes.analytics.core.EntityKind;
import java.util.ArrayList;
import java.util.List;

/**
 * The ops of a batch's events on one entity-day (one hash slot), encoded as one {@link Script#APPLY} call with one
 * segment per event. Each segment is deduplicated by its event's uuid: on a Cluster (and with one call per slot) by
 * the event's {@link Marker} in the entity-day's own marker bucket ({@code …:marks}, KEYS[1]); on a standalone Redis,
 * where the batch is one script, by the event's count marker, which the segment names as {@code ('#', k)}: the k-th
 * event count of the script. Not thread-safe: one batch's planning owns it.
 */
final class EntityDayOps {
    /** One planned op: its kind, its key (a day key's index, or {@code -1 - i} for the i-th span key), its values. */
    static final class Planned {
        Op op;
        final int key;
        /** The values in wire order: one, a field and its value, or the fields and values of {@link Op#FIELDS}. */
        final List<String> values;

        Planned(Op op, int key, List<String> values) {
            this.op = op;
            this.key = key;
            this.values = values;
        }
    }

    /** The counters hash's entry in {@link #dayIds}: no entity-day suffix or key name is empty. */
    private static final String COUNTERS = "";

    private final EntityKind kind;
    private final String base;
    private final String expiry;
    private final String leadActionCap;
    /**
     * Day keys in KEYS order, and what names each (its entity-day suffix or, for others, its key): a few, looked
     * up by a scan (a map per entity-day was a visible share of planning).
     */
    private final List<String> dayKeys = new ArrayList<>(4);
    private final List<String> dayIds = new ArrayList<>(4);
    /** The counters hash's index in {@link #dayKeys}, -1 until it has one. */
    private int countersSlot = -1;
    /** Keys that span days (a lead's), created with the entity-day's first lead op. */
    private List<String> spanKeys = List.of();
    /** Per segment: its event (its place in the batch) and where its ops start in {@link #ops}. */
    private final List<Integer> segmentEvents = new ArrayList<>(4);
    private final List<Integer> segmentStarts = new ArrayList<>(4);
    private final List<Planned> ops = new ArrayList<>(8);
    /** Where the call's answers are: this group's place among the batch's entity-day calls. */
    final int index;
    /** The event whose segment is open, {@code -1} before the first. */
    int lastEvent = -1;
    /** {@link MetadataCache#keySignature} of the counters hash, 0 until asked for. */
    private long keySignature;
    /** The open segment's {@link Op#COUNTERS} op, {@code null} until it has one. */
    private Planned segmentCounters;
    /** The open segment's metadata fields and values, sent or dropped as one at {@link #endMetadata}. */
    private final List<String> metadata = new ArrayList<>(4);

    /** {@code marked}: the entity-day's marker bucket is KEYS[1] (one call per slot); otherwise it has none. */
    EntityDayOps(EntityKind kind, String base, String expiry, String leadActionCap, int index, boolean marked) {
        this.kind = kind;
        this.base = base;
        this.expiry = expiry;
        this.leadActionCap = leadActionCap;
        this.index = index;
        if (marked) {
            countersSlot(); // KEYS[1]: the counters hash is also the entity-day's first marker bucket
        }
    }

    /** Sets the metadata field {@code field} (lister_id, …) of the open segment; see {@link #endMetadata}. */
    void metadata(String field, String value) {
        metadata.add(field);
        metadata.add(value);
    }

    /**
     * Ends the open segment's metadata: its fields go into the counters hash (one HSET) unless {@code written}
     * holds their signature, i.e. this Ingestor wrote the same fields and values to this entity-day lately.
     * Returns the signature to remember once the batch has run, or 0 when nothing was sent.
     */
    long endMetadata(MetadataCache written) {
        if (metadata.isEmpty()) {
            return 0;
        }
        if (keySignature == 0) {
            keySignature = MetadataCache.keySignature(Keys.countersOf(base));
        }
        long signature = MetadataCache.signature(keySignature, metadata);
        if (!written.contains(signature)) {
            for (int f = 0; f < metadata.size(); f += 2) {
                counterFieldOp(metadata.get(f), metadata.get(f + 1));
            }
        } else {
            signature = 0;
        }
        metadata.clear();
        return signature;
    }

    int segmentCount() {
        return segmentEvents.size();
    }

    /** Opens a segment for the batch's {@code event}-th event. */
    void begin(int event) {
        segmentStarts.add(ops.size());
        segmentEvents.add(event);
        segmentCounters = null;
    }

    /** An op on this entity-day's key {@code <base><suffix>}. */
    void metricOp(Op op, String suffix, String... values) {
        int slot = dayIds.indexOf(suffix);
        if (slot < 0) {
            slot = daySlot(suffix, base + suffix);
        }
        add(op, slot, values);
    }

    /**
     * Adds {@code by} to the counter {@code metric}, a field of the entity-day's counters hash. The script sums a
     * call's increments of one field over the segments it applies and sends one HINCRBY per field.
     */
    void counterOp(String metric, String by) {
        // Checked here, on the planning thread: the field itself is made with the ARGV on the I/O thread, where a
        // metric that is not a counter of the kind would fail the call as a store error.
        Keys.letter(kind, metric);
        add(Op.COUNTER, countersSlot(), new String[] {metric, by});
    }

    /** Sets the metadata field {@code field} (lister_id, …), which lives in the counters hash beside the counters. */
    private void counterFieldOp(String field, String value) {
        add(Op.FIELD, countersSlot(), new String[] {field, value});
    }

    private int countersSlot() {
        if (countersSlot < 0) {
            countersSlot = daySlot(COUNTERS, Keys.countersOf(base));
        }
        return countersSlot;
    }

    private int daySlot(String id, String key) {
        dayIds.add(id);
        dayKeys.add(key);
        return dayKeys.size() - 1;
    }

    /** An op on another key of the day (in the same slot), by its full name. */
    void dayOp(Op op, String key, String... values) {
        String id = '\0' + key; // cannot collide with an entity-day suffix
        int slot = dayIds.indexOf(id);
        if (slot < 0) {
            slot = daySlot(id, key);
        }
        add(op, slot, values);
    }

    /** An op on a key that spans days (a lead's), whose expiry only ever moves later. */
    void spanOp(Op op, String key, String... values) {
        if (spanKeys.isEmpty()) {
            spanKeys = new ArrayList<>(2);
        }
        int slot = spanKeys.indexOf(key);
        if (slot < 0) {
            slot = spanKeys.size();
            spanKeys.add(key);
        }
        add(op, -1 - slot, values);
    }

    private void add(Op op, int key, String[] values) {
        // An event's counters of one entity-day that each add 1 are one op, sent as one field of their combination
        // (Keys.counterField): one HINCRBY for all of them.
        if (op == Op.COUNTER && values[1].equals("1")) {
            if (segmentCounters == null) {
                segmentCounters = new Planned(Op.COUNTERS, key, new ArrayList<>(4));
                ops.add(segmentCounters);
            }
            segmentCounters.values.add(values[0]);
            return;
        }
        // Fields of one hash set by one event go as one HSET: a command less in the script per extra field.
        if (op == Op.FIELD && lastOfSegment() != null) {
            Planned last = lastOfSegment();
            if (last.key == key && (last.op == Op.FIELD
                    || (last.op == Op.FIELDS && last.values.size() < Script.MAX_UNPACK))) {
                last.op = Op.FIELDS;
                last.values.add(values[0]);
                last.values.add(values[1]);
                return;
            }
        }
        List<String> list = new ArrayList<>(values.length + 2);
        for (String value : values) {
            list.add(value);
        }
        ops.add(new Planned(op, key, list));
    }

    /** The open segment's last op, or {@code null} when it has none yet. */
    private Planned lastOfSegment() {
        return ops.size() > segmentStarts.get(segmentStarts.size() - 1) ? ops.get(ops.size() - 1) : null;
    }

    /**
     * Turns a segment's counter names into the fields of the counters hash they go to ({@link Keys#counterField}):
     * a {@link Op#COUNTERS} op's counters into the one field of their combination, a {@link Op#COUNTER}'s into its
     * letter, and a {@link Op#UNIQUE}'s companion counter into the field that holds it, by which the script tells
     * whether the member goes inline; and a {@link Op#UNIQUE}'s visitor into its member ({@link Keys#uniqueMember}).
     */
    private void toFields(List<Planned> segment) {
        for (Planned op : segment) {
            if (op.op == Op.COUNTERS && op.values.size() > 1) {
                String field = Keys.counterField(kind, op.values);
                op.values.clear();
                op.values.add(field);
            } else if (op.op == Op.COUNTERS || op.op == Op.COUNTER) {
                op.values.set(0, String.valueOf(Keys.letter(kind, op.values.get(0))));
            }
        }
        for (Planned op : segment) {
            if (op.op == Op.UNIQUE) {
                op.values.set(0, fieldOf(segment, op.values.get(0)));
                // Its key is the metric's (dayIds holds the suffix, the metric's name), its value the visitor.
                op.values.set(1, Keys.uniqueMember(kind, dayIds.get(op.key), op.values.get(1)));
            }
        }
    }

    /** The field of the segment's counters (already turned into fields) that holds {@code counter}. */
    private String fieldOf(List<Planned> segment, String counter) {
        char letter = Keys.letter(kind, counter);
        for (Planned op : segment) {
            if ((op.op == Op.COUNTERS || op.op == Op.COUNTER) && op.values.get(0).indexOf(letter) >= 0) {
                return op.values.get(0);
            }
        }
        throw new IllegalStateException("a unique metric of " + base + " moves without its companion " + counter);
    }

    /** The ops of the {@code segment}-th event, in wire order. */
    List<Planned> ops(int segment) {
        int end = segment + 1 < segmentStarts.size() ? segmentStarts.get(segment + 1) : ops.size();
        return ops.subList(segmentStarts.get(segment), end);
    }

    /**
     * The call, each segment headed by its event's dedupe check: {@code markFields[e]} and {@code markValues[e]}
     * are the event's {@link Marker} (one call per slot) or {@code '#'} and its count's place in the script.
     */
    ScriptCall call(String[] markFields, String[] markValues) {
        String[] keyArray = new String[dayKeys.size() + spanKeys.size()];
        for (int k = 0; k < dayKeys.size(); k++) {
            keyArray[k] = dayKeys.get(k);
        }
        for (int k = 0; k < spanKeys.size(); k++) {
            keyArray[dayKeys.size() + k] = spanKeys.get(k);
        }
        // ARGV when the call is encoded (ScriptCall): the planning of this group is over by then.
        return new ScriptCall(Script.APPLY, keyArray, () -> args(markFields, markValues), segmentEvents.size());
    }

    private String[] args(String[] markFields, String[] markValues) {
        for (int s = 0; s < segmentEvents.size(); s++) {
            toFields(ops(s));
        }
        int argCount = 3 + 3 * segmentEvents.size();
        for (Planned op : ops) {
            argCount += op.op.argCount(op.op == Op.FIELDS ? op.values.size() / 2 : op.values.size());
        }
        String[] args = new String[argCount];
        int a = 0;
        args[a++] = expiry;
        args[a++] = ScriptCall.position(dayKeys.size());
        args[a++] = leadActionCap;
        for (int s = 0; s < segmentEvents.size(); s++) {
            List<Planned> segment = ops(s);
            int event = segmentEvents.get(s);
            args[a++] = markFields[event];
            args[a++] = markValues[event];
            args[a++] = ScriptCall.position(segment.size());
            for (Planned op : segment) {
                args[a++] = op.op.code;
                args[a++] = ScriptCall.position(op.key >= 0 ? op.key + 1 : dayKeys.size() - op.key);
                if (op.op.shape == Op.Shape.COUNTED_PAIRS) {
                    args[a++] = ScriptCall.position(op.values.size() / 2);
                } else if (op.op.shape == Op.Shape.COUNTED_VALUES) {
                    args[a++] = ScriptCall.position(op.values.size());
                }
                for (String value : op.values) {
                    args[a++] = value;
                }
            }
        }
        return args;
    }
}
