package io.github.iskahomes.analytics.examples;

import io.github.iskahomes.analytics.testing.EmbeddedPostgresServer;
import io.github.iskahomes.analytics.testing.EmbeddedRedisServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The Redis and PostgreSQL the examples run on: external servers when {@code ANALYTICS_REDIS_URL} /
 * {@code ANALYTICS_JDBC_URL} (+ {@code ANALYTICS_JDBC_USER}, {@code ANALYTICS_JDBC_PASSWORD}) are set, otherwise
 * embedded ones started here and stopped by {@link #close()}.
 */
public final class Infrastructure implements AutoCloseable {
    private final EmbeddedRedisServer embeddedRedis;
    private final EmbeddedPostgresServer embeddedPostgres;
    private final String redisUri;
    private final String jdbcUrl;
    private final String jdbcUser;
    private final String jdbcPassword;

    private Infrastructure(EmbeddedRedisServer redis, EmbeddedPostgresServer postgres, String redisUri, String jdbcUrl,
                           String jdbcUser, String jdbcPassword) {
        this.embeddedRedis = redis;
        this.embeddedPostgres = postgres;
        this.redisUri = redisUri;
        this.jdbcUrl = jdbcUrl;
        this.jdbcUser = jdbcUser;
        this.jdbcPassword = jdbcPassword;
    }

    /** Starts what is not configured externally. */
    public static Infrastructure start() {
        String redisUrl = env("ANALYTICS_REDIS_URL");
        String jdbcUrl = env("ANALYTICS_JDBC_URL");
        EmbeddedRedisServer redis = redisUrl == null ? EmbeddedRedisServer.start() : null;
        EmbeddedPostgresServer postgres = null;
        try {
            postgres = jdbcUrl == null ? EmbeddedPostgresServer.start() : null;
        } catch (RuntimeException e) {
            if (redis != null) {
                redis.close();
            }
            throw e;
        }
        return new Infrastructure(redis, postgres,
                redisUrl != null ? redisUrl : redis.uri(),
                jdbcUrl != null ? jdbcUrl : postgres.jdbcUrl(),
                jdbcUrl != null ? Objects.requireNonNullElse(env("ANALYTICS_JDBC_USER"), "postgres") : postgres.user(),
                jdbcUrl != null ? Objects.requireNonNullElse(env("ANALYTICS_JDBC_PASSWORD"), "") : postgres.password());
    }

    public String redisUri() {
        return redisUri;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String jdbcUser() {
        return jdbcUser;
    }

    public String jdbcPassword() {
        return jdbcPassword;
    }

    /** A data source for the JDBC URL (no pool: the examples open few connections). */
    public DataSource dataSource() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(jdbcUrl);
        dataSource.setUser(jdbcUser);
        dataSource.setPassword(jdbcPassword);
        return dataSource;
    }

    /** Opens a plain connection, for the demo's verification queries. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, jdbcUser, jdbcPassword);
    }

    /** The embedded Redis, or null when external (fault tests stop and restart it). */
    public EmbeddedRedisServer embeddedRedis() {
        return embeddedRedis;
    }

    /** The embedded PostgreSQL, or null when external. */
    public EmbeddedPostgresServer embeddedPostgres() {
        return embeddedPostgres;
    }

    @Override
    public void close() {
        if (embeddedPostgres != null) {
            embeddedPostgres.close();
        }
        if (embeddedRedis != null) {
            embeddedRedis.close();
        }
    }

    private static String env(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            value = System.getProperty(name);
        }
        return value == null || value.isBlank() ? null : value;
    }
}
