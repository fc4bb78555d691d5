package io.github.iskahomes.analytics.core;

import io.github.iskahomes.analytics.core.internal.Metrics;
import java.util.List;

/**
 * What the analytics count things for. Each kind has its own day keys in Redis and its own table in PostgreSQL;
 * {@link #counters()} and {@link #uniques()} list the metrics the contract writes for it.
 */
public enum EntityKind {
    LISTING(Metrics.LISTING_COUNTERS, Metrics.LISTING_UNIQUES),
    USER(Metrics.USER_COUNTERS, Metrics.USER_UNIQUES),
    DEVELOPMENT(Metrics.DEVELOPMENT_COUNTERS, Metrics.DEVELOPMENT_UNIQUES);

    private final List<String> counters;
    private final List<String> uniques;

    EntityKind(List<String> counters, List<String> uniques) {
        this.counters = counters;
        this.uniques = uniques;
    }

    /** The counter metrics of this kind, in column order. */
    public List<String> counters() {
        return counters;
    }

    /** The unique-count (HyperLogLog) metrics of this kind, in column order. */
    public List<String> uniques() {
        return uniques;
    }
}
