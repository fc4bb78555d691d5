package io.github.iskahomes.analytics.examples.wiring;

import io.github.iskahomes.analytics.batcher.EventBatcher;
import io.github.iskahomes.analytics.batcher.IngestorSink;
import io.github.iskahomes.analytics.jdbc.Aggregator;
import io.github.iskahomes.analytics.jdbc.AggregatorConfig;
import io.github.iskahomes.analytics.micrometer.AggregatorMetrics;
import io.github.iskahomes.analytics.micrometer.BatcherMetrics;
import io.github.iskahomes.analytics.micrometer.IngestorMetrics;
import io.github.iskahomes.analytics.redis.Ingestor;
import io.github.iskahomes.analytics.redis.IngestorConfig;
import io.micrometer.core.instrument.MeterRegistry;
import javax.sql.DataSource;

/**
 * The README's "Metrics (Micrometer)" snippet, compiled: each binder is the listener of the component it measures,
 * bound to the host's registry. Without Spring; a Spring Boot host gets the same from the starter.
 */
public final class Metrics implements AutoCloseable {
    private final Ingestor ingestor;
    private final EventBatcher batcher;
    private final Aggregator aggregator;

    public Metrics(MeterRegistry registry, String redisUrl, DataSource dataSource) {
        IngestorMetrics ingestMetrics = new IngestorMetrics();
        ingestMetrics.bindTo(registry);
        ingestor = Ingestor.connect(redisUrl, IngestorConfig.builder().listener(ingestMetrics).build());

        AggregatorMetrics aggregationMetrics = new AggregatorMetrics();
        aggregationMetrics.bindTo(registry);
        aggregator = Aggregator.create(dataSource, ingestor.reader(),
                AggregatorConfig.defaults().withListener(aggregationMetrics));

        BatcherMetrics batcherMetrics = new BatcherMetrics();
        batcher = EventBatcher.builder().sink(IngestorSink.ignoringRejections(ingestor::ingest))
                .listener(batcherMetrics).build();
        batcherMetrics.watch(batcher).bindTo(registry);
    }

    /** The instrumented batcher, for tracking. */
    public EventBatcher batcher() {
        return batcher;
    }

    /** The instrumented aggregator, for a scheduler. */
    public Aggregator aggregator() {
        return aggregator;
    }

    @Override
    public void close() {
        batcher.close();
        ingestor.close();
    }
}
