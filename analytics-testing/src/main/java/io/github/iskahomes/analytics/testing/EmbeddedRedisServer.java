package io.github.iskahomes.analytics.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

/**
 * A real standalone Redis server (the binary shipped in the embedded-redis jar) on 127.0.0.1 and a free port,
 * for tests and demos. The server keeps its data across {@link #shutdown()} / {@link #restart()}: it writes an
 * RDB snapshot when it stops and loads it when it starts again, like a production Redis with RDB persistence.
 *
 * <p>Thread-safe. {@link #close()} is idempotent; a JVM shutdown hook also stops the process.
 *
 * <pre>{@code
 * try (EmbeddedRedisServer redis = EmbeddedRedisServer.start()) {
 *     RedisClient client = RedisClient.create(redis.uri());
 *     ...
 * }
 * }</pre>
 */
public final class EmbeddedRedisServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedRedisServer.class);
    private static final int ATTEMPTS = 5;

    private final RedisServer server;
    private final int port;
    private final Path dir;
    private boolean closed;

    private EmbeddedRedisServer(RedisServer server, int port, Path dir) {
        this.server = server;
        this.port = port;
        this.dir = dir;
    }

    /**
     * Starts a new Redis server on a free port and waits until it answers PING.
     *
     * @return the running server
     * @throws IllegalStateException if no server could be started (after a few attempts on fresh ports, since
     *     another process may take a port between our probe and Redis binding it)
     */
    public static EmbeddedRedisServer start() {
        return Env.startOnFreePort("embedded Redis", "analytics-redis-", ATTEMPTS, (port, dir) -> {
            RedisServer server = RedisServer.newRedisServer()
                    // The binary is unpacked into our own directory, deleted in close(), not left in /tmp.
                    .executableProvider(ExecutableProvider.newJarResourceProvider(dir.toFile()))
                    .port(port)
                    .bind("127.0.0.1")
                    // Own data dir per server: parallel test JVMs never share a dump file.
                    .setting("dir " + dir.toAbsolutePath())
                    // A save point makes Redis write an RDB on SIGTERM, so data survives stop/start.
                    .setting("save 3600 1")
                    .setting("appendonly no")
                    .build();
            server.start();
            Resp.awaitPing("127.0.0.1", port, 10_000);
            log.info("Embedded Redis started on 127.0.0.1:{}", port);
            return new EmbeddedRedisServer(server, port, dir);
        });
    }

    /** The URI for Lettuce and friends, e.g. {@code redis://127.0.0.1:6391}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Always {@code 127.0.0.1}. */
    public String host() {
        return "127.0.0.1";
    }

    /** The TCP port, fixed for the life of this object (also across restarts). */
    public int port() {
        return port;
    }

    /** Whether the server process is running. */
    public synchronized boolean isRunning() {
        return server.isActive();
    }

    /**
     * Stops the server process (SIGTERM, so it writes its RDB). Clients see connection failures until
     * {@link #restart()}. Does nothing if it is already stopped.
     *
     * @throws IllegalStateException if the process could not be stopped
     */
    public synchronized void shutdown() {
        if (!server.isActive()) {
            return;
        }
        try {
            server.stop();
            log.info("Embedded Redis on port {} stopped", port);
        } catch (IOException e) {
            throw new IllegalStateException("could not stop the embedded Redis on port " + port, e);
        }
    }

    /**
     * Starts the server again on the same port, with the data it had when stopped, and waits until it answers
     * PING. Does nothing if it is running.
     *
     * @throws IllegalStateException if it was closed or could not be started
     */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("the embedded Redis on port " + port + " is closed");
        }
        if (server.isActive()) {
            return;
        }
        // The port was ours a moment ago; Redis binds with SO_REUSEADDR, so a retry loop covers the rare case
        // where the old socket lingers.
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                server.start();
                Resp.awaitPing("127.0.0.1", port, 10_000);
                log.info("Embedded Redis on port {} restarted", port);
                return;
            } catch (IOException e) {
                last = e;
                sleep(200);
            }
        }
        throw new IllegalStateException("could not restart the embedded Redis on port " + port, last);
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
            deleteQuietly(dir);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedRedisServer[" + uri() + "]";
    }

    static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            log.warn("could not delete {}: {}", dir, e.toString());
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
