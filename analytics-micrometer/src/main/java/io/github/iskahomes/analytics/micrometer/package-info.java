/**
 * Micrometer metrics for the analytics library, usable with or without Spring: {@link
 * io.github.iskahomes.analytics.micrometer.IngestorMetrics}, {@link
 * io.github.iskahomes.analytics.micrometer.AggregatorMetrics} and {@link
 * io.github.iskahomes.analytics.micrometer.BatcherMetrics} are each a {@code MeterBinder} and the listener of the
 * component they measure: set one as that component's listener and bind it to a {@code MeterRegistry}.
 * The meters follow Micrometer's conventions: dot-separated names, base units, and only low-cardinality tags
 * (outcome, sink, table, reason category), never an id.
 */
package io.github.iskahomes.analytics.micrometer;
