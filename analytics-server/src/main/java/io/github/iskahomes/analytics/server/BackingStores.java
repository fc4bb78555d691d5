package io.github.iskahomes.analytics.server;

import io.github.iskahomes.analytics.testing.EmbeddedPostgresServer;
import io.github.iskahomes.analytics.testing.EmbeddedRedisServer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The server's Redis and PostgreSQL: the ones the environment names ({@code ANALYTICS_REDIS_URL},
 * {@code ANALYTICS_JDBC_URL}, {@code ANALYTICS_JDBC_USER}, {@code ANALYTICS_JDBC_PASSWORD}), or embedded ones started
 * here (and stopped by {@link #close()}), handed to Spring as default properties, below anything the user sets. The
 * examples (demo, tests, benchmarks) run on the same ones, so there is one way to find the stores.
 */
public final class BackingStores implements AutoCloseable {
    private final EmbeddedRedisServer redis;
    private final EmbeddedPostgresServer postgres;
    private final Map<String, Object> properties;

    private BackingStores(EmbeddedRedisServer redis, EmbeddedPostgresServer postgres, Map<String, Object> properties) {
        this.redis = redis;
        this.postgres = postgres;
        this.properties = properties;
    }

    /**
     * Starts what the environment does not name; a JVM system property of the same name counts as set (so a build
     * can point the examples at external servers with {@code -DANALYTICS_REDIS_URL=…}).
     */
    public static BackingStores start() {
        Map<String, String> environment = new HashMap<>();
        for (String name : new String[] {"ANALYTICS_REDIS_URL", "ANALYTICS_JDBC_URL", "ANALYTICS_JDBC_USER",
                "ANALYTICS_JDBC_PASSWORD"}) {
            String value = value(System.getenv(), name);
            environment.put(name, value != null ? value : System.getProperty(name));
        }
        return start(environment);
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

    /** The Spring properties that point the server at these stores. */
    public Map<String, Object> properties() {
        return Map.copyOf(properties);
    }

    /** The Redis URL, such as {@code redis://127.0.0.1:6379}. */
    public String redisUri() {
        return (String) properties.get("analytics.redis.url");
    }

    /** The JDBC URL of the PostgreSQL. */
    public String jdbcUrl() {
        return (String) properties.get("spring.datasource.url");
    }

    /** The PostgreSQL user. */
    public String jdbcUser() {
        return (String) properties.get("spring.datasource.username");
    }

    /** The PostgreSQL password. */
    public String jdbcPassword() {
        return (String) properties.get("spring.datasource.password");
    }

    /** The embedded Redis, or null when external (fault tests stop and restart it). */
    public EmbeddedRedisServer embeddedRedis() {
        return redis;
    }

    /** The embedded PostgreSQL, or null when external. */
    public EmbeddedPostgresServer embeddedPostgres() {
        return postgres;
    }

    /** Stops the embedded stores started here; external ones are left alone. */
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
