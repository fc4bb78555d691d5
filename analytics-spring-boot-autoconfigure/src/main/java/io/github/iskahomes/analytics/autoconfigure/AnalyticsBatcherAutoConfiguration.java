package io.github.iskahomes.analytics.autoconfigure;

import io.github.iskahomes.analytics.batcher.BatcherConfig;
import io.github.iskahomes.analytics.batcher.BatcherListener;
import io.github.iskahomes.analytics.batcher.EventBatcher;
import io.github.iskahomes.analytics.batcher.HttpIngestSink;
import io.github.iskahomes.analytics.batcher.IngestorSink;
import io.github.iskahomes.analytics.batcher.PostHogSink;
import io.github.iskahomes.analytics.batcher.SendResult;
import io.github.iskahomes.analytics.redis.Ingestor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.ConfigurationCondition;

/**
 * An {@link EventBatcher} for tracking from inside the app: to the in-process {@link Ingestor} by default, to a
 * remote ingest endpoint instead when {@code analytics.batcher.remote-url} is set, and also to PostHog when
 * {@code analytics.batcher.posthog-api-key} is set. Spring closes it with the context before the ingestor it feeds,
 * so its queues drain first (within {@code analytics.batcher.close-timeout}). Off with
 * {@code analytics.batcher.enabled=false}.
 */
@AutoConfiguration(after = AnalyticsRedisAutoConfiguration.class)
@ConditionalOnClass(EventBatcher.class)
@ConditionalOnProperty(prefix = "analytics.batcher", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(AnalyticsProperties.class)
public class AnalyticsBatcherAutoConfiguration {

    /** The batcher's buffering from {@code analytics.batcher.*}. */
    @Bean
    @ConditionalOnMissingBean
    public BatcherConfig analyticsBatcherConfig(AnalyticsProperties properties) {
        AnalyticsProperties.Batcher batcher = properties.getBatcher();
        return BatcherConfig.builder()
                .flushAt(batcher.getFlushAt())
                .flushInterval(batcher.getFlushInterval())
                .maxQueueSize(batcher.getMaxQueueSize())
                .closeTimeout(batcher.getCloseTimeout())
                .build();
    }

    /** The batcher, telling every {@link BatcherListener} bean (the Micrometer binder among them). */
    @Bean
    @ConditionalOnMissingBean
    @Conditional(SinkAvailable.class)
    public EventBatcher analyticsEventBatcher(AnalyticsProperties properties, BatcherConfig config,
                                              ObjectProvider<Ingestor> ingestor,
                                              ObjectProvider<BatcherListener> listener) {
        AnalyticsProperties.Batcher settings = properties.getBatcher();
        EventBatcher.Builder builder = EventBatcher.builder().config(config);
        if (settings.getRemoteUrl() != null) {
            builder.sink(HttpIngestSink.builder(settings.getRemoteUrl()).secret(settings.getRemoteSecret()).build());
        } else {
            Ingestor local = ingestor.getIfUnique();
            if (local != null) {
                builder.sink(IngestorSink.of(events -> local.ingest(events).rejected().stream()
                        .map(rejection -> new SendResult.Rejection(rejection.index(), rejection.reason()))
                        .toList()));
            }
        }
        if (settings.getPosthogApiKey() != null && !settings.getPosthogApiKey().isBlank()) {
            builder.sink(PostHogSink.builder(settings.getPosthogApiKey()).host(settings.getPosthogHost()).build());
        }
        builder.listener(BatcherListener.composite(listener.orderedStream().toArray(BatcherListener[]::new)));
        return builder.build();
    }

    /** Somewhere to send to: the in-process ingestor, a remote endpoint or PostHog. */
    static final class SinkAvailable extends AnyNestedCondition {
        SinkAvailable() {
            super(ConfigurationCondition.ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnBean(Ingestor.class)
        static final class InProcess {
        }

        @ConditionalOnProperty(prefix = "analytics.batcher", name = "remote-url")
        static final class Remote {
        }

        @ConditionalOnProperty(prefix = "analytics.batcher", name = "posthog-api-key")
        static final class PostHog {
        }
    }
}
