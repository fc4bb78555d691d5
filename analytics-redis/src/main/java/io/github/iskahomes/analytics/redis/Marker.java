package io.github.iskahomes.analytics.redis;

/**
 * A uuid as a dedupe marker: one field (and its value) of a marker bucket, a small Redis hash. A canonical lower-case
 * UUID ({@code 8-4-4-4-12} hex digits, what the batcher and PostHog send) becomes its two 64-bit halves as decimal
 * text, which a ziplist bucket stores as two 8-byte integers (about 20 bytes a marker, against 72 for the 36-character
 * text in a set). Any other uuid keeps its text behind a {@code '~'}, which no decimal starts with, so two different
 * uuids never share a marker: the mapping is one-to-one, and the dedupe exactly as strong as with the text itself.
 * Immutable.
 *
 * A canonical uuid's marker is written as RESP straight from its halves ({@link #writeTo}), without its texts.
 */
final class Marker {
    /** The uuid's two halves, or ({@code text} not null) nothing: the uuid is not canonical. */
    private final long high;
    private final long low;
    private final String text;
    private final int spread;

    private Marker(long high, long low, String text, int spread) {
        this.high = high;
        this.low = low;
        this.text = text;
        this.spread = spread;
    }

    /** The bucket field: the uuid's first 64 bits as decimal text, or {@code '~'} and the uuid. */
    String field() {
        return text == null ? Long.toString(high) : "~" + text;
    }

    /**
     * The field's value: the uuid's last 64 bits, or {@code "1"}; two uuids with the same first half are told apart
     * by it (the script then stores the later one as {@code field:value}).
     */
    String value() {
        return text == null ? Long.toString(low) : "1";
    }

    /** The {@link #field} and the {@link #value}, as two bulk strings. */
    void writeTo(Resp out) {
        if (text == null) {
            out.bulk(high);
            out.bulk(low);
        } else {
            out.bulk(field());
            out.bulk("1");
        }
    }

    /** Well-mixed bits of the uuid that pick its bucket (independent of {@link Keys#shardOf}). */
    int spread() {
        return spread;
    }

    static Marker of(String uuid) {
        int spread = mix(uuid.hashCode());
        if (uuid.length() == 36 && uuid.charAt(8) == '-' && uuid.charAt(13) == '-' && uuid.charAt(18) == '-'
                && uuid.charAt(23) == '-') {
            long a = hex(uuid, 0, 8);
            long b = hex(uuid, 9, 13);
            long c = hex(uuid, 14, 18);
            long d = hex(uuid, 19, 23);
            long e = hex(uuid, 24, 36);
            if ((a | b | c | d | e) >= 0) {
                return new Marker(a << 32 | b << 16 | c, d << 48 | e, null, spread);
            }
        }
        return new Marker(0, 0, uuid, spread);
    }

    /**
     * The lower-case hex digits {@code from..to} (at most 12) as a number, or -1 when the run holds anything else:
     * one pass, a table lookup per character (the check and the parse were two passes with branches, a visible share
     * of planning).
     */
    private static long hex(String text, int from, int to) {
        long value = 0;
        int bad = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            int digit = c < 128 ? DIGITS[c] : -1;
            bad |= digit;
            value = value << 4 | (digit & 0xF);
        }
        return bad < 0 ? -1 : value;
    }

    /** Per ASCII character its lower-case hex value, else -1. */
    private static final byte[] DIGITS = new byte[128];

    static {
        java.util.Arrays.fill(DIGITS, (byte) -1);
        for (int c = '0'; c <= '9'; c++) {
            DIGITS[c] = (byte) (c - '0');
        }
        for (int c = 'a'; c <= 'f'; c++) {
            DIGITS[c] = (byte) (c - 'a' + 10);
        }
    }

    /** MurmurHash3's finalizer: every output bit depends on every input bit. */
    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h & Integer.MAX_VALUE;
    }
}
