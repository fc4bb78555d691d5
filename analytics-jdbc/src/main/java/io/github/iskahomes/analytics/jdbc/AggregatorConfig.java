package io.github.iskahomes.analytics.jdbc;

/**
 * How the {@link Aggregator} works. Immutable; start from {@link #defaults()}.
 *
 * @param chunkSize entities (or leads) read from Redis and upserted per statement; memory is bounded by it.
 *                  Default {@value #DEFAULT_CHUNK_SIZE}.
 * @param lockName  the name of the advisory lock runs take (hashed, together with the current schema), so two
 *                  applications sharing one database schema can run separate aggregators. Default
 *                  {@value #DEFAULT_LOCK_NAME}.
 * @param copy      whether chunks are written by COPY into a temporary table plus one merge (the default, and the
 *                  faster path measured), or by one {@code unnest} upsert each; both store the same rows. Turn it off
 *                  where a proxy in front of PostgreSQL refuses COPY. Also off, whatever this says, when the
 *                  connection cannot be unwrapped to PgJDBC's {@code PGConnection} (logged once).
 * @param listener  told when each run starts and how it ended, for metrics and health (default
 *                  {@link AggregatorListener#NONE}); see {@link AggregatorListener} for when and on which thread
 */
public record AggregatorConfig(int chunkSize, String lockName, boolean copy, AggregatorListener listener) {
    public static final int DEFAULT_CHUNK_SIZE = 1000;
    public static final String DEFAULT_LOCK_NAME = "io.github.iskahomes.analytics.aggregator";

    public AggregatorConfig {
        if (chunkSize < 1 || chunkSize > 100_000) {
            throw new IllegalArgumentException("chunkSize must be between 1 and 100000, was " + chunkSize);
        }
        if (lockName == null || lockName.isBlank()) {
            throw new IllegalArgumentException("lockName must not be blank");
        }
        java.util.Objects.requireNonNull(listener, "listener");
    }

    /**
     * A config without a listener ({@link AggregatorListener#NONE}).
     *
     * @throws IllegalArgumentException if {@code chunkSize} is out of range or {@code lockName} is blank
     */
    public AggregatorConfig(int chunkSize, String lockName, boolean copy) {
        this(chunkSize, lockName, copy, AggregatorListener.NONE);
    }

    /** Chunks of 1000, the default lock name, COPY, no listener. */
    public static AggregatorConfig defaults() {
        return new AggregatorConfig(DEFAULT_CHUNK_SIZE, DEFAULT_LOCK_NAME, true, AggregatorListener.NONE);
    }

    /** This config with another chunk size (1 to 100000). */
    public AggregatorConfig withChunkSize(int value) {
        return new AggregatorConfig(value, lockName, copy, listener);
    }

    /** This config with another advisory lock name. */
    public AggregatorConfig withLockName(String value) {
        return new AggregatorConfig(chunkSize, value, copy, listener);
    }

    /** This config writing by COPY plus a merge ({@code true}) or by {@code unnest} upserts ({@code false}). */
    public AggregatorConfig withCopy(boolean value) {
        return new AggregatorConfig(chunkSize, lockName, value, listener);
    }

    /**
     * This config with another listener (one only: combine several with {@link AggregatorListener#composite}).
     *
     * @throws NullPointerException if {@code value} is null
     */
    public AggregatorConfig withListener(AggregatorListener value) {
        return new AggregatorConfig(chunkSize, lockName, copy, value);
    }
}
