package io.github.iskahomes.analytics.redis;

/**
 * A 64-bit hash of text: each char folded in FNV-1a's way, then MurmurHash3's 64-bit finalizer, so every output bit
 * depends on every char. For signatures and compact member forms, never for security. Stateless.
 */
final class Hash64 {
    private Hash64() {
    }

    /** {@code text} hashed from {@code seed}: different seeds give independent hashes of the same text. */
    static long of(long seed, String text) {
        long h = seed;
        for (int i = 0; i < text.length(); i++) {
            h = (h ^ text.charAt(i)) * 0x100000001B3L;
        }
        h ^= text.length();
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ h >>> 33;
    }
}
