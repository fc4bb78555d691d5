package io.github.iskahomes.analytics.batcher;

import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link EventBatcher} buffers and retries. Immutable; start from {@link #defaults()} and change values with
 * the {@code with…} copies:
 *
 * <pre>{@code
 * BatcherConfig config = BatcherConfig.defaults()
 *         .withMaxQueueSize(50_000)
 *         .withDropPolicy(DropPolicy.DROP_OLDEST)
 *         .withShutdownHook(true);
 * }</pre>
 *
 * @param flushAt       a sink sends as soon as this many events are queued (default 200, the seed's)
 * @param flushInterval queued events are sent at least this often (default 3 s, the seed's)
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

    /** The seed's batch size: 200 events. */
    public static final int DEFAULT_FLUSH_AT = 200;
    /** The seed's flush interval: 3 seconds. */
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

    private static void positive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }

    /** 200 events, 3 s, 10,000 queued per sink, drop newest, 5 s to close, 10 attempts, 100 ms–10 s backoff, no hook. */
    public static BatcherConfig defaults() {
        return new BatcherConfig(DEFAULT_FLUSH_AT, DEFAULT_FLUSH_INTERVAL, DEFAULT_MAX_QUEUE_SIZE, DropPolicy.DROP_NEWEST,
                DEFAULT_CLOSE_TIMEOUT, DEFAULT_MAX_ATTEMPTS, DEFAULT_BACKOFF_BASE, DEFAULT_BACKOFF_MAX, false);
    }

    /** A copy with another batch size. */
    public BatcherConfig withFlushAt(int newFlushAt) {
        return new BatcherConfig(newFlushAt, flushInterval, maxQueueSize, dropPolicy, closeTimeout, maxAttempts,
                backoffBase, backoffMax, shutdownHook);
    }

    /** A copy with another flush interval. */
    public BatcherConfig withFlushInterval(Duration newInterval) {
        return new BatcherConfig(flushAt, newInterval, maxQueueSize, dropPolicy, closeTimeout, maxAttempts,
                backoffBase, backoffMax, shutdownHook);
    }

    /** A copy with another queue bound per sink. */
    public BatcherConfig withMaxQueueSize(int newMax) {
        return new BatcherConfig(flushAt, flushInterval, newMax, dropPolicy, closeTimeout, maxAttempts,
                backoffBase, backoffMax, shutdownHook);
    }

    /** A copy with another policy for full queues. */
    public BatcherConfig withDropPolicy(DropPolicy newPolicy) {
        return new BatcherConfig(flushAt, flushInterval, maxQueueSize, newPolicy, closeTimeout, maxAttempts,
                backoffBase, backoffMax, shutdownHook);
    }

    /** A copy with another close timeout. */
    public BatcherConfig withCloseTimeout(Duration newTimeout) {
        return new BatcherConfig(flushAt, flushInterval, maxQueueSize, dropPolicy, newTimeout, maxAttempts,
                backoffBase, backoffMax, shutdownHook);
    }

    /** A copy with another number of attempts per batch. */
    public BatcherConfig withMaxAttempts(int newMaxAttempts) {
        return new BatcherConfig(flushAt, flushInterval, maxQueueSize, dropPolicy, closeTimeout, newMaxAttempts,
                backoffBase, backoffMax, shutdownHook);
    }

    /** A copy with other backoff bounds. */
    public BatcherConfig withBackoff(Duration newBase, Duration newMax) {
        return new BatcherConfig(flushAt, flushInterval, maxQueueSize, dropPolicy, closeTimeout, maxAttempts,
                newBase, newMax, shutdownHook);
    }

    /** A copy that does or does not register a JVM shutdown hook. */
    public BatcherConfig withShutdownHook(boolean register) {
        return new BatcherConfig(flushAt, flushInterval, maxQueueSize, dropPolicy, closeTimeout, maxAttempts,
                backoffBase, backoffMax, register);
    }
}
