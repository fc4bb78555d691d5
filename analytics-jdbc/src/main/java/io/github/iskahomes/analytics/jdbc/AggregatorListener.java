package io.github.iskahomes.analytics.jdbc;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Hears every {@link Aggregator#run()}, so a host can export metrics (analytics-micrometer's
 * {@code AggregatorMetrics} is one), alert or report health. Set one with
 * {@link AggregatorConfig#withListener(AggregatorListener)}; {@link #composite} combines several. Every method has an
 * empty default; implement those you need.
 *
 * <p>Each run is told {@link #onRunStarted} and then exactly one of {@link #onRunFinished}, {@link #onLockHeldElsewhere}
 * and {@link #onRunFailed}, all on the thread that called {@code run}: implementations must be thread-safe (runs
 * may overlap on several threads) and quick. A listener that throws never changes the run: the exception is
 * logged at WARN (once per throw) and the run returns (or throws) exactly what it would have.
 */
public interface AggregatorListener {

    /** A listener that does nothing: the default of {@link AggregatorConfig}. */
    AggregatorListener NONE = new AggregatorListener() {
        @Override
        public String toString() {
            return "AggregatorListener.NONE";
        }
    };

    /** A run began, at {@code at}: before it takes the lock or reads Redis. */
    default void onRunStarted(Instant at) {
    }

    /**
     * A run committed. The result has the rows written and the errors per table
     * ({@link AggregationResult#processed()}), the days written and skipped and the time spent in Redis and in
     * PostgreSQL ({@link AggregationResult#timings()}).
     *
     * @param elapsed the run's time from its start to its commit
     */
    default void onRunFinished(AggregationResult result, Duration elapsed) {
    }

    /**
     * A run did nothing because another one (this or another instance) holds the advisory lock; it returns
     * {@link AggregationResult#LOCK_HELD}. Not an error: the other run does the work.
     *
     * @param elapsed the run's time until it found the lock taken. (The brief's signature took no argument; the
     *                duration lets a timer count these runs with the others.)
     */
    default void onLockHeldElsewhere(Duration elapsed) {
    }

    /**
     * A run failed and throws {@code e} to its caller (PostgreSQL or Redis unavailable, an outdated schema): nothing
     * of it was committed, and the next run completes the same days.
     *
     * @param elapsed the run's time until it failed
     */
    default void onRunFailed(Exception e, Duration elapsed) {
    }

    /**
     * One listener that tells each of {@code listeners}, in order. One that throws does not keep the others from
     * hearing the run: each is called on its own, and a throw is logged at WARN and ignored.
     *
     * @throws NullPointerException if {@code listeners} or one of them is null
     */
    static AggregatorListener composite(AggregatorListener... listeners) {
        return new CompositeAggregatorListener(List.of(listeners));
    }
}
