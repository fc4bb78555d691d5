package io.github.iskahomes.analytics.server;

import io.github.iskahomes.analytics.testing.EmbeddedPostgresServer;
import io.github.iskahomes.analytics.testing.EmbeddedRedisServer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The server's Redis and PostgreSQL: the ones the environment names, or embedded ones started here (and stopped by
 * {@link #close()}), handed to Spring as default properties, below anything the user sets.
 */
final class BackingStores implements AutoCloseable {
    private final EmbeddedRedisServer redis;
    private final EmbeddedPostgresServer postgres;
    private final Map<String, Object> properties;

    private BackingStores(EmbeddedRedisServer redis, EmbeddedPostgresServer postgres, Map<String, Object> properties) {
        this.redis = redis;
        this.postgres = postgres;
        this.properties = properties;
    }

    static BackingStores start(Map<String, String> environment) {
        String redisUrl = value(environment, "ANALYTICS_REDIS_URL");
        String jdbcUrl = value(environment, "ANALYTICS_JDBC_URL");
        EmbeddedRedisServer redis = redisUrl == null ? EmbeddedRedisServer.start() : null;
        EmbeddedPostgresServer postgres;
        try {
            postgres = jdbcUrl == null ? EmbeddedPostgresServer.start() : null;
        } catch (RuntimeException e) {
            if (redis != null) {
                redis.close();
            }
            throw e;
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("analytics.redis.url", redis != null ? redis.uri() : redisUrl);
        properties.put("spring.datasource.url", postgres != null ? postgres.jdbcUrl() : jdbcUrl);
        properties.put("spring.datasource.username", postgres != null ? postgres.user()
                : Objects.requireNonNullElse(value(environment, "ANALYTICS_JDBC_USER"), "postgres"));
        properties.put("spring.datasource.password", postgres != null ? postgres.password()
                : Objects.requireNonNullElse(value(environment, "ANALYTICS_JDBC_PASSWORD"), ""));
        return new BackingStores(redis, postgres, properties);
    }

    Map<String, Object> properties() {
        return properties;
    }

    @Override
    public void close() {
        if (postgres != null) {
            postgres.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private static String value(Map<String, String> environment, String name) {
        String value = environment.get(name);
        return value == null || value.isBlank() ? null : value.strip();
    }
}
