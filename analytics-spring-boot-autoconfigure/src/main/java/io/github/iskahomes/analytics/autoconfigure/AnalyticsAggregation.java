package io.github.iskahomes.analytics.autoconfigure;

import io.github.iskahomes.analytics.jdbc.AggregationResult;
import io.github.iskahomes.analytics.jdbc.Aggregator;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link Aggregator} for the schedule and the admin endpoint, and remembers when a run last succeeded, for
 * the health indicator. A run skipped because another instance holds the advisory lock counts as fresh too: that
 * instance is aggregating at that moment, so an instance that loses the race is not reported stale. Thread-safe.
 */
public final class AnalyticsAggregation {
    private static final Logger log = LoggerFactory.getLogger(AnalyticsAggregation.class);

    private final Aggregator aggregator;
    private final Clock clock;
    private final Instant started;
    private volatile Instant lastSuccess;

    /** Runs over {@code aggregator}; ages are measured on {@code clock}, from now. */
    public AnalyticsAggregation(Aggregator aggregator, Clock clock) {
        this.aggregator = Objects.requireNonNull(aggregator, "aggregator");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.started = clock.instant();
    }

    /**
     * Aggregates every day Redis retains (see {@link Aggregator#run()}).
     *
     * @throws io.github.iskahomes.analytics.core.StoreUnavailableException if PostgreSQL or Redis is unavailable
     */
    public AggregationResult run() {
        AggregationResult result = aggregator.run();
        if (result.success() || AggregationResult.LOCK_HELD.equals(result.skipped())) {
            lastSuccess = clock.instant();
        }
        log.debug("aggregation: {}", result.toJson());
        return result;
    }

    /** When a run of this instance last succeeded; empty before the first. */
    public Optional<Instant> lastSuccess() {
        return Optional.ofNullable(lastSuccess);
    }

    /** When this object was made (the application's start, for the health's grace before a first run). */
    public Instant started() {
        return started;
    }

    /** The aggregator it runs. */
    public Aggregator aggregator() {
        return aggregator;
    }
}
