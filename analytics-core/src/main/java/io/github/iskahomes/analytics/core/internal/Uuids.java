package io.github.iskahomes.analytics.core.internal;

import java.time.Instant;
import java.util.Optional;

/** Reading event uuids: the time a UUIDv7 carries. Stateless and thread-safe. */
final class Uuids {

    private Uuids() {
    }

    /**
     * The time in a UUIDv7 (RFC 9562: the first 48 bits are Unix epoch milliseconds, the version nibble is 7 and the
     * variant bits are {@code 10}), or empty for anything else: other versions (v4 is random, v3 and v5 are hashes),
     * other variants, and text that is not the 36-character hex form {@code xxxxxxxx-xxxx-7xxx-yxxx-xxxxxxxxxxxx}
     * (either case). The batcher's uuids are UUIDv7 stamped at {@code track()} time.
     */
    static Optional<Instant> v7Time(String uuid) {
        if (uuid == null || uuid.length() != 36) {
            return Optional.empty();
        }
        long millis = 0;
        for (int i = 0; i < 36; i++) {
            char c = uuid.charAt(i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (c != '-') {
                    return Optional.empty();
                }
                continue;
            }
            int digit = Character.digit(c, 16);
            // Character.digit also takes non-ASCII digits; a uuid is ASCII hex only.
            if (digit < 0 || c > 'f') {
                return Optional.empty();
            }
            if (i < 13) {
                millis = (millis << 4) | digit;
            }
        }
        if (uuid.charAt(14) != '7' || "89abAB".indexOf(uuid.charAt(19)) < 0) {
            return Optional.empty();
        }
        return Optional.of(Instant.ofEpochMilli(millis));
    }
}
