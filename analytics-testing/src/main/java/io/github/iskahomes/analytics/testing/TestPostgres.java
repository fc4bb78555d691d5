package io.github.iskahomes.analytics.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.opentest4j.TestAbortedException;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One test's view of a real PostgreSQL: a fresh schema of its own and the means to connect into it. Obtained by
 * parameter injection under {@link PostgresExtension}; the schema is created before the test and dropped
 * ({@code CASCADE}) after it.
 *
 * <p>The server is shared by all tests of the JVM (embedded, started once) or is the external server named by
 * {@code ANALYTICS_JDBC_URL}. Connections from {@link #dataSource()} and {@link #jdbcUrl()} have
 * {@code search_path} set to {@link #schema()} (pgjdbc's {@code currentSchema}), so unqualified table names land
 * in this test's schema.
 *
 * <p>Thread-safe.
 */
public final class TestPostgres {

    private static final Logger log = LoggerFactory.getLogger(TestPostgres.class);

    private final String baseUrl;
    private final String user;
    private final String password;
    private final String schema;
    private final EmbeddedPostgresServer server;
    private final PGSimpleDataSource dataSource;

    private TestPostgres(String baseUrl, String user, String password, String schema, EmbeddedPostgresServer server) {
        this.baseUrl = baseUrl;
        this.user = user;
        this.password = password;
        this.schema = schema;
        this.server = server;
        this.dataSource = new PGSimpleDataSource();
        dataSource.setURL(jdbcUrl());
        if (user != null) {
            dataSource.setUser(user);
        }
        if (password != null) {
            dataSource.setPassword(password);
        }
    }

    /** Creates a fresh schema on the shared (or external) server. */
    static TestPostgres create() {
        String external = Env.get(Env.JDBC_URL);
        TestPostgres pg;
        if (external != null) {
            pg = new TestPostgres(external, Env.get(Env.JDBC_USER), Env.get(Env.JDBC_PASSWORD), Ids.schema(), null);
        } else {
            EmbeddedPostgresServer server = SharedServers.postgres();
            pg = new TestPostgres(server.jdbcUrl(), server.user(), server.password(), Ids.schema(), server);
        }
        pg.admin("CREATE SCHEMA " + pg.schema);
        return pg;
    }

    /** Drops this test's schema; restarts an embedded server a test left stopped, so later tests still run. */
    void dispose() {
        if (server != null && !server.isRunning()) {
            log.warn("a test left the embedded PostgreSQL stopped; restarting it");
            server.restart();
        }
        try {
            admin("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (RuntimeException e) {
            log.warn("could not drop test schema {}: {}", schema, e.toString());
        }
    }

    private void admin(String sql) {
        try (Connection c = DriverManager.getConnection(baseUrl, user, password);
                Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("'" + sql + "' failed on " + baseUrl + ": " + e.getMessage(), e);
        }
    }

    /** An unpooled DataSource whose connections use this test's schema. */
    public DataSource dataSource() {
        return dataSource;
    }

    /** A JDBC URL whose connections use this test's schema ({@code currentSchema=...}). */
    public String jdbcUrl() {
        return baseUrl + (baseUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /** The user to connect as (may be null for an external URL that carries its own credentials). */
    public String user() {
        return user;
    }

    /** The password (may be null for an external URL that carries its own credentials). */
    public String password() {
        return password;
    }

    /** This test's schema, e.g. {@code t_q3k9zx_42}: unique per test and across JVMs, lower case, unquoted. */
    public String schema() {
        return schema;
    }

    /** Whether the server is the embedded one (so {@link #stop()} and {@link #start()} work). */
    public boolean embedded() {
        return server != null;
    }

    /**
     * Stops the embedded server (open connections break); committed data is kept. It is the JVM's shared
     * server: a test that stops it must start it again (in a {@code finally} block).
     *
     * @throws TestAbortedException if the server is external (the test is then reported as skipped)
     */
    public void stop() {
        requireEmbedded("stop").shutdown();
    }

    /**
     * Starts the embedded server again on the same port and data directory. Does nothing if it is running.
     *
     * @throws TestAbortedException if the server is external
     */
    public void start() {
        requireEmbedded("start").restart();
    }

    private EmbeddedPostgresServer requireEmbedded(String action) {
        if (server == null) {
            throw new TestAbortedException("cannot " + action + " the external PostgreSQL at " + baseUrl
                    + " (set by " + Env.JDBC_URL + "); this test needs the embedded server");
        }
        return server;
    }

    @Override
    public String toString() {
        return "TestPostgres[" + jdbcUrl() + "]";
    }
}
