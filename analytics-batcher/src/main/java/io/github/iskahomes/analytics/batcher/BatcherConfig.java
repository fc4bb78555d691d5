package io.github.iskahomes.analytics.batcher;

import static io.github.iskahomes.analytics.core.internal.Settings.positive;

import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link EventBatcher} buffers and retries. Immutable and thread-safe; build one with {@link #builder()}
 * (every setting not given keeps its default), or take {@link #defaults()}, and change one with {@link #toBuilder()}:
 *
 * <pre>{@code
 * BatcherConfig config = BatcherConfig.builder()
 *         .maxQueueSize(50_000)
 *         .dropPolicy(DropPolicy.DROP_OLDEST)
 *         .shutdownHook(true)
 *         .build();
 * BatcherConfig patient = config.toBuilder().maxAttempts(100).build();
 * }</pre>
 *
 * @param flushAt       a sink sends as soon as this many events are queued (default 200)
 * @param flushInterval queued events are sent at least this often (default 3 s)
 * @param maxQueueSize  the most events each sink holds in memory (default 10,000); see {@link #dropPolicy()}
 * @param dropPolicy    what happens to a new event when a sink's queue is full (default {@link DropPolicy#DROP_NEWEST})
 * @param closeTimeout  how long {@link EventBatcher#close()} waits for the queues to drain (default 5 s)
 * @param maxAttempts   attempts per batch, the first one included, before its events count as failed (default 10)
 * @param backoffBase   the wait before the first retry; it doubles with each attempt, with jitter (default 100 ms)
 * @param backoffMax    the longest wait between two attempts, unless the backend asks for longer (default 10 s)
 * @param shutdownHook  whether the batcher registers a JVM shutdown hook that closes it (default {@code false})
 */
public record BatcherConfig(int flushAt, Duration flushInterval, int maxQueueSize, DropPolicy dropPolicy,
                            Duration closeTimeout, int maxAttempts, Duration backoffBase, Duration backoffMax,
                            boolean shutdownHook) {

    /** 200 events. */
    public static final int DEFAULT_FLUSH_AT = 200;
    /** 3 seconds. */
    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(3);
    /** 10,000 events per sink. */
    public static final int DEFAULT_MAX_QUEUE_SIZE = 10_000;
    /** 5 seconds. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);
    /** 10 attempts. */
    public static final int DEFAULT_MAX_ATTEMPTS = 10;
    /** 100 milliseconds. */
    public static final Duration DEFAULT_BACKOFF_BASE = Duration.ofMillis(100);
    /** 10 seconds. */
    public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(10);

    /**
     * Checks the values.
     *
     * @throws NullPointerException     if a duration or the policy is null
     * @throws IllegalArgumentException if a number or duration is out of range
     */
    public BatcherConfig {
        Objects.requireNonNull(flushInterval, "flushInterval");
        Objects.requireNonNull(dropPolicy, "dropPolicy");
        Objects.requireNonNull(closeTimeout, "closeTimeout");
        Objects.requireNonNull(backoffBase, "backoffBase");
        Objects.requireNonNull(backoffMax, "backoffMax");
        if (flushAt < 1) {
            throw new IllegalArgumentException("flushAt must be at least 1, was " + flushAt);
        }
        if (maxQueueSize < flushAt) {
            throw new IllegalArgumentException("maxQueueSize must be at least flushAt (" + flushAt + "), was "
                    + maxQueueSize);
        }
        positive("flushInterval", flushInterval);
        if (closeTimeout.isNegative()) {
            throw new IllegalArgumentException("closeTimeout must not be negative, was " + closeTimeout);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        positive("backoffBase", backoffBase);
        if (backoffMax.compareTo(backoffBase) < 0) {
            throw new IllegalArgumentException("backoffMax (" + backoffMax + ") must not be shorter than backoffBase ("
                    + backoffBase + ")");
        }
    }

    /** 200 events, 3 s, 10,000 queued per sink, drop newest, 5 s to close, 10 attempts, 100 ms–10 s backoff, no hook. */
    public static BatcherConfig defaults() {
        return builder().build();
    }

    /** A builder that starts from {@link #defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from this configuration's values, for a modified copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Collects settings for a {@link BatcherConfig}; every setting starts at its default (or at the values of the
     * configuration {@link BatcherConfig#toBuilder()} was called on). The values are checked together by
     * {@link #build()}, so that their order does not matter (a larger {@code flushAt} may come before the larger
     * {@code maxQueueSize} it needs). Not thread-safe; use one builder per thread.
     */
    public static final class Builder {
        private int flushAt = DEFAULT_FLUSH_AT;
        private Duration flushInterval = DEFAULT_FLUSH_INTERVAL;
        private int maxQueueSize = DEFAULT_MAX_QUEUE_SIZE;
        private DropPolicy dropPolicy = DropPolicy.DROP_NEWEST;
        private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration backoffBase = DEFAULT_BACKOFF_BASE;
        private Duration backoffMax = DEFAULT_BACKOFF_MAX;
        private boolean shutdownHook;

        private Builder() {
        }

        private Builder(BatcherConfig from) {
            flushAt = from.flushAt;
            flushInterval = from.flushInterval;
            maxQueueSize = from.maxQueueSize;
            dropPolicy = from.dropPolicy;
            closeTimeout = from.closeTimeout;
            maxAttempts = from.maxAttempts;
            backoffBase = from.backoffBase;
            backoffMax = from.backoffMax;
            shutdownHook = from.shutdownHook;
        }

        /** A sink sends as soon as this many events are queued (default 200). */
        public Builder flushAt(int events) {
            flushAt = events;
            return this;
        }

        /** Queued events are sent at least this often (default 3 s). */
        public Builder flushInterval(Duration interval) {
            flushInterval = interval;
            return this;
        }

        /** The most events each sink holds in memory (default 10,000); at least {@link #flushAt(int)}. */
        public Builder maxQueueSize(int events) {
            maxQueueSize = events;
            return this;
        }

        /** What happens to a new event when a sink's queue is full (default {@link DropPolicy#DROP_NEWEST}). */
        public Builder dropPolicy(DropPolicy policy) {
            dropPolicy = policy;
            return this;
        }

        /** How long {@link EventBatcher#close()} waits for the queues to drain (default 5 s). */
        public Builder closeTimeout(Duration timeout) {
            closeTimeout = timeout;
            return this;
        }

        /** Attempts per batch, the first one included, before its events count as failed (default 10). */
        public Builder maxAttempts(int attempts) {
            maxAttempts = attempts;
            return this;
        }

        /**
         * The wait before the first retry, doubling with each attempt up to {@code max} (default 100 ms to 10 s).
         * Set together because each bounds the other.
         */
        public Builder backoff(Duration base, Duration max) {
            backoffBase = base;
            backoffMax = max;
            return this;
        }

        /** Whether the batcher registers a JVM shutdown hook that closes it (default {@code false}). */
        public Builder shutdownHook(boolean register) {
            shutdownHook = register;
            return this;
        }

        /**
         * The configuration.
         *
         * @throws NullPointerException     if a duration or the policy is null
         * @throws IllegalArgumentException if a number or duration is out of range, with the setting's name
         */
        public BatcherConfig build() {
            return new BatcherConfig(flushAt, flushInterval, maxQueueSize, dropPolicy, closeTimeout, maxAttempts,
                    backoffBase, backoffMax, shutdownHook);
        }
    }
}
