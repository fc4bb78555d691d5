package io.github.iskahomes.analytics.autoconfigure;

import io.github.iskahomes.analytics.redis.Ingestor;
import io.github.iskahomes.analytics.redis.IngestorConfig;
import io.github.iskahomes.analytics.redis.IngestorListener;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import java.util.Locale;
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
 * The {@link Ingestor}: over the host's {@link RedisClusterClient} or {@link RedisClient} bean when there is one
 * (borrowed, never closed), else over a Lettuce client of its own from {@code analytics.redis.url} (closed with the
 * context). Without a URL and without such a bean there is no Redis to count in, and no Ingestor.
 */
@AutoConfiguration
@ConditionalOnClass(Ingestor.class)
@EnableConfigurationProperties(AnalyticsProperties.class)
public class AnalyticsRedisAutoConfiguration {

    /**
     * The ingestor's settings from {@code analytics.ingest.*}, telling every {@link IngestorListener} bean (the
     * Micrometer binder among them); declare an {@link IngestorConfig} bean to replace it.
     */
    @Bean
    @ConditionalOnMissingBean
    public IngestorConfig analyticsIngestorConfig(AnalyticsProperties properties,
                                                  ObjectProvider<IngestorListener> listeners) {
        AnalyticsProperties.Ingest ingest = properties.getIngest();
        return IngestorConfig.builder()
                .keyPrefix(ingest.getKeyPrefix())
                .zone(ingest.getZone())
                .retention(ingest.getRetention())
                .maxFutureSkew(ingest.getMaxFutureSkew())
                .maxEventsPerRequest(ingest.getMaxEventsPerRequest())
                .commandTimeout(ingest.getCommandTimeout())
                .listener(IngestorListener.composite(listeners.orderedStream().toArray(IngestorListener[]::new)))
                .build();
    }

    /**
     * The ingestor. Spring closes it with the context (it is {@link AutoCloseable}); it shuts down only a client it
     * opened itself.
     *
     * @throws IllegalStateException if the host's {@code RedisClient} is used and nothing names its server
     */
    @Bean
    @ConditionalOnMissingBean
    @Conditional(RedisConfigured.class)
    public Ingestor analyticsIngestor(AnalyticsProperties properties, IngestorConfig config,
                                      ObjectProvider<RedisClusterClient> clusterClient,
                                      ObjectProvider<RedisClient> client, ObjectProvider<RedisURI> uri) {
        RedisClusterClient cluster = clusterClient.getIfUnique();
        if (cluster != null) {
            return Ingestor.create(cluster, config);
        }
        RedisClient standalone = client.getIfUnique();
        String url = properties.getRedis().getUrl();
        if (standalone != null) {
            // A RedisClient does not tell which server it was made for, so the host says it once more.
            RedisURI server = uri.getIfUnique();
            if (server == null && url == null) {
                throw new IllegalStateException("the host's RedisClient bean is used for analytics, but nothing says"
                        + " which server it connects to: set analytics.redis.url or declare a RedisURI bean");
            }
            return Ingestor.create(standalone, server != null ? server : RedisURI.create(url), config);
        }
        return Ingestor.connect(clusterUrl(url, properties.getRedis().isCluster()), config);
    }

    /** {@code redis://a,b} with the cluster flag is {@code redis-cluster://a,b}, which Ingestor.connect understands. */
    static String clusterUrl(String url, boolean cluster) {
        int schemeEnd = url.indexOf("://");
        String scheme = schemeEnd < 0 ? "" : url.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        if (!cluster || scheme.contains("cluster") || !(scheme.equals("redis") || scheme.equals("rediss"))) {
            return url;
        }
        return scheme + "-cluster" + url.substring(schemeEnd);
    }

    /** A Redis to count in: a URL, or the host's client. */
    static final class RedisConfigured extends AnyNestedCondition {
        RedisConfigured() {
            super(ConfigurationCondition.ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnProperty(prefix = "analytics.redis", name = "url")
        static final class Url {
        }

        @ConditionalOnBean(RedisClient.class)
        static final class HostClient {
        }

        @ConditionalOnBean(RedisClusterClient.class)
        static final class HostClusterClient {
        }
    }
}
