package io.github.iskahomes.analytics.batcher;

import java.security.SecureRandom;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * UUIDv7 (time-ordered, RFC 9562) event ids. {@link UUID#randomUUID()} draws from one shared {@code SecureRandom},
 * which costs more than the rest of {@code track()} together and serialises tracking threads; here each thread draws
 * from its own generator, seeded once from {@code SecureRandom}, so ids stay unpredictable across threads and JVMs.
 */
final class Uuids {
    private static final SecureRandom SEEDS = new SecureRandom();
    private static final ThreadLocal<SplittableRandom> RANDOM =
            ThreadLocal.withInitial(() -> new SplittableRandom(SEEDS.nextLong()));

    private Uuids() {
    }

    static String v7(long epochMillis) {
        SplittableRandom random = RANDOM.get();
        long msb = (epochMillis << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb).toString();
    }
}
