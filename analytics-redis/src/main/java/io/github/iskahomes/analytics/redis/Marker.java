package io.github.iskahomes.analytics.redis;

/**
 * A uuid as a dedupe marker: one field (and its value) of a marker bucket, a small Redis hash. A canonical lower-case
 * UUID ({@code 8-4-4-4-12} hex digits, what the batcher and PostHog send) becomes its two 64-bit halves as decimal
 * text, which a ziplist bucket stores as two 8-byte integers (about 20 bytes a marker, against 72 for the 36-character
 * text in a set). Any other uuid keeps its text behind a {@code '~'}, which no decimal starts with, so two different
 * uuids never share a marker: the mapping is one-to-one, and the dedupe exactly as strong as with the text itself.
 * Immutable.
 *
 * @param field  the bucket field: the uuid's first 64 bits, or {@code '~'} and the uuid
 * @param value  the field's value: the uuid's last 64 bits, or {@code "1"}; two uuids with the same first half are
 *               told apart by it (the script then stores the later one as {@code field:value})
 * @param spread well-mixed bits of the uuid that pick its bucket (independent of {@link Keys#shardOf})
 */
record Marker(String field, String value, int spread) {

    static Marker of(String uuid) {
        int spread = mix(uuid.hashCode());
        if (uuid.length() == 36 && valid(uuid)) {
            long hi = hex(uuid, 0, 8) << 32 | hex(uuid, 9, 13) << 16 | hex(uuid, 14, 18);
            long lo = hex(uuid, 19, 23) << 48 | hex(uuid, 24, 36);
            return new Marker(Long.toString(hi), Long.toString(lo), spread);
        }
        return new Marker("~" + uuid, "1", spread);
    }

    /** Whether a 36-character uuid is canonical: dashes at 8, 13, 18 and 23, lower-case hex digits elsewhere. */
    private static boolean valid(String uuid) {
        for (int i = 0; i < 36; i++) {
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? uuid.charAt(i) != '-' : digit(uuid.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    /** The lower-case hex digits {@code from..to} (checked by {@link #valid}) as a number. */
    private static long hex(String text, int from, int to) {
        long value = 0;
        for (int i = from; i < to; i++) {
            value = value << 4 | digit(text.charAt(i));
        }
        return value;
    }

    private static int digit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
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
