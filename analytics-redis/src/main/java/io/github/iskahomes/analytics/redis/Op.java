package io.github.iskahomes.analytics.redis;

/**
 * The ops an {@link Script#APPLY} segment carries: the one definition of what the writer encodes and the script's
 * {@code apply} function decodes. On the wire a segment is one argument of bytes, its head, then the texts its ops
 * store as ARGV, in op order (each an object and a Lua string Redis makes per call: positions, counts and codes go in
 * the head instead). In the head an op is its {@link #code}'s byte, its key's 16-bit position in KEYS
 * ({@link #position}) and, for the counted shapes, a 16-bit count; its texts are as its {@link #shape} says. The op
 * table in docs/analytics-redis.md is this enum, row for row (a test keeps them equal).
 */
enum Op {
    /**
     * Adds to a field of a counters hash. The script sums the call's applied increments of each field and runs one
     * HINCRBY per field after the segments' uuid checks.
     */
    COUNTER("c", Shape.FIELD_VALUE, "HINCRBY key field sum, once per field and call",
            "an entity-day's counter, by more than 1 (field: its letter, Keys.counterField)"),
    /**
     * Adds 1 to fields of a counters hash: the writer sends an event's counters of one entity-day that each add 1 as
     * the one field of their combination ({@link Keys#counterField}: three counters of a property view, one field).
     * Summed with the {@link #COUNTER}s of the call.
     */
    COUNTERS("C", Shape.COUNTED_VALUES, "HINCRBY key field sum, once per field and call",
            "an entity-day's counters, each by 1, of one event (one field: their letters)"),
    /** Adds to a counter that is a key of its own. */
    INCREMENT("i", Shape.VALUE, "INCRBY key by", "a lead's actions of the day"),
    /**
     * Adds a member (tag and hash, {@link Keys#uniqueMember}) to a unique metric. Its field is the counter field
     * holding the metric's companion counter, which every event adding to the metric increments in the same call:
     * while that field is at most {@link Keys#INLINE_MEMBERS} the member is a field of the counters hash, after that
     * it goes to the HyperLogLog key, which gets the day's expiry in the call where that field first passes the limit.
     */
    UNIQUE("u", Shape.FIELD_VALUE, "HSETNX counters member tags (its field ≤ 3), else PFADD key member",
            "a unique-visitor count (field: the counter field holding its companion)"),
    /** Sets one field of a hash. */
    FIELD("h", Shape.FIELD_VALUE, "HSET key field value", "entity-day metadata (in the counters hash) or lead metadata, one field"),
    /** Sets several fields of a hash in one command: an event's fields of one hash, coalesced. */
    FIELDS("H", Shape.COUNTED_PAIRS, "HSET key field value …", "entity-day or lead metadata, 2+ fields of one event"),
    /** Adds a member to a set. */
    MEMBER("s", Shape.VALUE, "SADD key member", "(decoded by the script; the writer sends MEMBERS)"),
    /** Adds several members to a set in one command. */
    MEMBERS("S", Shape.COUNTED_VALUES, "SADD key member …", "an index shard's new members, up to 1000 per op"),
    /** Appends to a list kept at most the lead-action cap long. */
    APPEND("l", Shape.VALUE, "RPUSH key value, LTRIM key -cap -1", "a lead's action list");

    /** What an op has in the segment's head after its code and key position, and which texts it sends. */
    enum Shape {
        /** One text. */
        VALUE("", "value"),
        /** Two texts. */
        FIELD_VALUE("", "field value"),
        /** A count in the head, then that many texts (at most {@link Script#MAX_UNPACK}). */
        COUNTED_VALUES(" count", "value…"),
        /** A count in the head, then that many pairs of texts. */
        COUNTED_PAIRS(" count", "(field value)…");

        /** The op's head after its code and key, and its texts, as the docs write them. */
        final String head;
        final String texts;

        Shape(String head, String texts) {
            this.head = head;
            this.texts = texts;
        }
    }

    /** The one-letter code the script dispatches on (its byte in the head). */
    final String code;
    final Shape shape;
    /** The Redis commands the script runs for it. */
    final String commands;
    /** What the writer uses it for. */
    final String usedFor;

    Op(String code, Shape shape, String commands, String usedFor) {
        this.code = code;
        this.shape = shape;
        this.commands = commands;
        this.usedFor = usedFor;
    }

    /** Where span keys' positions start: the first is SPAN_KEYS + 1, so day keys are below it. */
    static final int SPAN_KEYS = 1 << 15;

    /**
     * A key's position in the head: a day key's (slot k, from 0) as k + 1, the i-th key that spans days ({@code -1 - i})
     * as {@link #SPAN_KEYS} + i + 1, since the day keys may still grow when a segment is written.
     */
    static int position(int slot) {
        if (slot >= SPAN_KEYS - 1) {
            throw new IllegalStateException("an entity-day call has more than " + (SPAN_KEYS - 1) + " day keys");
        }
        return slot >= 0 ? slot + 1 : SPAN_KEYS - slot;
    }

    /** This op's part of a segment's head: its code, its key's {@link #position} and the count of a counted shape. */
    void writeHead(Resp out, int slot, int elements) {
        out.u8(code.charAt(0));
        out.u16(position(slot));
        if (counted()) {
            out.u16(elements);
        }
    }

    /** How many bytes the op takes in a segment's head. */
    int headBytes() {
        return counted() ? 5 : 3;
    }

    private boolean counted() {
        return shape == Shape.COUNTED_VALUES || shape == Shape.COUNTED_PAIRS;
    }

    /** How many texts the op sends with {@code elements} values (members, or field-value pairs). */
    int texts(int elements) {
        return switch (shape) {
            case VALUE -> 1;
            case FIELD_VALUE -> 2;
            case COUNTED_VALUES -> elements;
            case COUNTED_PAIRS -> 2 * elements;
        };
    }

    /** This op's row of the docs' op table. */
    String docRow() {
        return "| `" + code + "` | `" + name() + "` | `" + code + " key" + shape.head + "` | `" + shape.texts + "` | `"
                + commands + "` | " + usedFor + " |";
    }
}
