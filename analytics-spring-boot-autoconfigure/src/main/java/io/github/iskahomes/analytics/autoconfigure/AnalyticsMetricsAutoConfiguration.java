package io.github.iskahomes.analytics.autoconfigure;

import io.github.iskahomes.analytics.batcher.EventBatcher;
import io.github.iskahomes.analytics.micrometer.AggregatorMetrics;
import io.github.iskahomes.analytics.micrometer.BatcherMetrics;
import io.github.iskahomes.analytics.micrometer.IngestorMetrics;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Micrometer binders of {@code analytics-micrometer} when Micrometer is on the classpath (Actuator brings it):
 * each is a {@link MeterBinder} bean, which Boot binds to its registries, and the listener the auto-configured
 * ingestor, aggregator and batcher tell. Meters: {@code analytics.ingest.events} (by outcome),
 * {@code analytics.ingest.batch}, {@code analytics.aggregation.run}, {@code analytics.aggregation.rows} (by table),
 * {@code analytics.aggregation.last.success}, {@code analytics.batcher.events}, {@code analytics.batcher.queue.size}
 * (by sink) and more; see docs/analytics-micrometer.md.
 */
@AutoConfiguration(before = {AnalyticsRedisAutoConfiguration.class, AnalyticsJdbcAutoConfiguration.class,
        AnalyticsBatcherAutoConfiguration.class})
@ConditionalOnClass({MeterBinder.class, IngestorMetrics.class})
public class AnalyticsMetricsAutoConfiguration {

    /** Meters of every ingest call. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnClass(name = "io.github.iskahomes.analytics.redis.Ingestor")
    public IngestorMetrics analyticsIngestorMetrics() {
        return new IngestorMetrics();
    }

    /** Meters of every aggregation run. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnClass(name = "io.github.iskahomes.analytics.jdbc.Aggregator")
    public AggregatorMetrics analyticsAggregatorMetrics() {
        return new AggregatorMetrics();
    }

    /** The batcher's meters, and its queue gauges once the batcher exists. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(EventBatcher.class)
    static class Batcher {
        @Bean
        @ConditionalOnMissingBean
        BatcherMetrics analyticsBatcherMetrics() {
            return new BatcherMetrics();
        }

        /** After every singleton exists: the queue gauges read the batcher this binder listens to. */
        @Bean
        SmartInitializingSingleton analyticsBatcherQueueGauges(ObjectProvider<BatcherMetrics> metrics,
                                                               ObjectProvider<EventBatcher> batcher) {
            return () -> metrics.ifUnique(binder -> batcher.ifUnique(binder::watch));
        }
    }
}
