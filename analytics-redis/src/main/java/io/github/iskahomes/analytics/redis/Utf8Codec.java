package io.github.iskahomes.analytics.redis;

import io.lettuce.core.codec.StringCodec;
import java.nio.charset.StandardCharsets;

/**
 * Lettuce's UTF-8 {@link StringCodec} with an exact size: a batch's script call carries thousands of arguments, and
 * for a codec whose size estimate is not exact Lettuce encodes each argument into a pooled buffer of its own first
 * (to learn the length it writes before it), then copies it. The profile of an ingest showed that allocation and
 * release as the largest single cost of the client's own time. Knowing the exact UTF-8 length lets Lettuce write each
 * argument straight into the command's buffer. Decoding is {@link StringCodec}'s. Immutable and thread-safe.
 */
final class Utf8Codec extends StringCodec {
    static final Utf8Codec INSTANCE = new Utf8Codec();

    private Utf8Codec() {
        super(StandardCharsets.UTF_8);
    }

    @Override
    public int estimateSize(Object keyOrValue) {
        return keyOrValue instanceof String text ? utf8Length(text) : 0;
    }

    @Override
    public boolean isEstimateExact() {
        return true;
    }

    /**
     * The bytes Netty's UTF-8 writer (which {@link StringCodec} uses) gives the text: an unpaired surrogate becomes one
     * {@code '?'}, as it does there (validation keeps them out of ids and uuids anyway).
     */
    static int utf8Length(String text) {
        int length = text.length();
        int bytes = length;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                continue;
            }
            if (c < 0x800) {
                bytes += 1;
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 2; // two chars, four bytes
                i++;
            } else if (!Character.isSurrogate(c)) {
                bytes += 2;
            }
        }
        return bytes;
    }
}
