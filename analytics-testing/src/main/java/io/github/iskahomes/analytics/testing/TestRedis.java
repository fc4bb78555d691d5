package io.github.iskahomes.analytics.testing;

import java.net.URI;
import org.opentest4j.TestAbortedException;

/**
 * One test's view of a real standalone Redis: where it is and the key prefix that keeps this test's keys apart
 * from every other test's. Obtained by parameter injection under {@link RedisExtension}.
 *
 * <p>The server is shared by all tests of the JVM (embedded, started once) or is the external server named by
 * {@code ANALYTICS_REDIS_URL}. Tests must confine themselves to keys starting with {@link #keyPrefix()} and must
 * not run {@code FLUSHALL}/{@code FLUSHDB}.
 *
 * <p>Thread-safe.
 */
public final class TestRedis {

    private final String uri;
    private final String host;
    private final int port;
    private final String keyPrefix;
    private final EmbeddedRedisServer server;

    TestRedis(String uri, String host, int port, String keyPrefix, EmbeddedRedisServer server) {
        this.uri = uri;
        this.host = host;
        this.port = port;
        this.keyPrefix = keyPrefix;
        this.server = server;
    }

    static TestRedis create() {
        String external = Env.get(Env.REDIS_URL);
        if (external != null) {
            URI parsed = URI.create(external);
            int port = parsed.getPort() > 0 ? parsed.getPort() : 6379;
            return new TestRedis(external, parsed.getHost(), port, Ids.keyPrefix(), null);
        }
        EmbeddedRedisServer server = SharedServers.redis();
        return new TestRedis(server.uri(), server.host(), server.port(), Ids.keyPrefix(), server);
    }

    /** The server URI for Lettuce, e.g. {@code redis://127.0.0.1:6391}, or the {@code ANALYTICS_REDIS_URL} value. */
    public String uri() {
        return uri;
    }

    /** The server's host. */
    public String host() {
        return host;
    }

    /** The server's port. */
    public int port() {
        return port;
    }

    /** A key prefix unique to this test, e.g. {@code tq3k9zx-42:}; pass it to the code under test. */
    public String keyPrefix() {
        return keyPrefix;
    }

    /** Whether the server is the embedded one (so {@link #stop()} and {@link #start()} work). */
    public boolean embedded() {
        return server != null;
    }

    /**
     * Stops the embedded server; clients then fail to connect until {@link #start()}. It is the JVM's shared
     * server: a test that stops it must start it again (in a {@code finally} block).
     *
     * @throws TestAbortedException if the server is external (the test is then reported as skipped)
     */
    public void stop() {
        requireEmbedded("stop").shutdown();
    }

    /**
     * Starts the embedded server again on the same port, with the data it had (an RDB is written on stop), and
     * returns once it answers PING. Does nothing if it is running.
     *
     * @throws TestAbortedException if the server is external
     */
    public void start() {
        requireEmbedded("start").restart();
    }

    /** Restarts an embedded server a test left stopped, so later tests still run. */
    void dispose() {
        if (server != null && !server.isRunning()) {
            org.slf4j.LoggerFactory.getLogger(TestRedis.class).warn("a test left the embedded Redis stopped; restarting it");
            server.restart();
        }
    }

    private EmbeddedRedisServer requireEmbedded(String action) {
        if (server == null) {
            throw new TestAbortedException("cannot " + action + " the external Redis at " + uri
                    + " (set by " + Env.REDIS_URL + "); this test needs the embedded server");
        }
        return server;
    }

    @Override
    public String toString() {
        return "TestRedis[" + uri + ", prefix " + keyPrefix + "]";
    }
}
