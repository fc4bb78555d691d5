package io.github.iskahomes.analytics.testing;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/** Names unique across test JVMs that share one external server: a random JVM token plus a counter. */
final class Ids {

    private static final String JVM_TOKEN = token();
    private static final AtomicLong COUNTER = new AtomicLong();

    private Ids() {
    }

    private static String token() {
        // Lower-case letters and digits only: valid in Redis keys, unquoted SQL identifiers and hash-tag-free.
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder(6);
        for (int i = 0; i < 6; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    /** A Redis key prefix such as {@code t4k2x9a-17:}. */
    static String keyPrefix() {
        return "t" + JVM_TOKEN + "-" + COUNTER.incrementAndGet() + ":";
    }

    /** A PostgreSQL schema name such as {@code t_4k2x9a_17}. */
    static String schema() {
        return "t_" + JVM_TOKEN + "_" + COUNTER.incrementAndGet();
    }
}
