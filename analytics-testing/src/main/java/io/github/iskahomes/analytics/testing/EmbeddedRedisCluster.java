package io.github.iskahomes.analytics.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;
import redis.embedded.RedisShardedCluster;
import redis.embedded.core.ExecutableProvider;

/**
 * A real Redis Cluster of three masters (no replicas) on 127.0.0.1 and free ports, for tests and demos. All
 * 16384 slots are assigned and {@code cluster_state:ok} before {@link #start()} returns. No persistence.
 *
 * <p>Thread-safe. {@link #close()} is idempotent; a JVM shutdown hook also stops the processes.
 */
public final class EmbeddedRedisCluster implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedRedisCluster.class);
    private static final int ATTEMPTS = 3;

    private final RedisShardedCluster cluster;
    private final List<Integer> ports;
    private final Path dir;
    private boolean closed;

    private EmbeddedRedisCluster(RedisShardedCluster cluster, List<Integer> ports, Path dir) {
        this.cluster = cluster;
        this.ports = List.copyOf(ports);
        this.dir = dir;
    }

    /**
     * Starts a three-master cluster and waits until every node reports {@code cluster_state:ok}.
     *
     * @return the running cluster
     * @throws IllegalStateException if it could not be started after a few attempts
     */
    public static EmbeddedRedisCluster start() {
        Exception last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            RedisShardedCluster cluster = null;
            Path dir = null;
            try {
                dir = Files.createTempDirectory("analytics-redis-cluster-");
                // ephemeral() must come first: shard() takes its ports from the provider set at that moment, and
                // the ephemeral one keeps ports low enough that port + 10000 (the cluster bus) is valid.
                cluster = RedisShardedCluster.newRedisCluster()
                        .ephemeral()
                        // Binary, nodes-*.conf files and dumps go to our own directory, deleted in close().
                        .withServerBuilder(RedisServer.newRedisServer()
                                .executableProvider(ExecutableProvider.newJarResourceProvider(dir.toFile()))
                                .setting("dir " + dir.toAbsolutePath())
                                .setting("save \"\"")
                                .setting("appendonly no"))
                        .initializationTimeout(Duration.ofSeconds(30))
                        .shard("a", 0)
                        .shard("b", 0)
                        .shard("c", 0)
                        .build();
                cluster.start();
                List<Integer> ports = cluster.serverPorts();
                for (int port : ports) {
                    awaitClusterOk(port);
                }
                log.info("Embedded Redis Cluster started on ports {}", ports);
                return new EmbeddedRedisCluster(cluster, ports, dir);
            } catch (IOException | RuntimeException e) {
                last = e;
                log.warn("Embedded Redis Cluster failed to start (attempt {}/{}): {}", attempt, ATTEMPTS,
                        e.toString());
                if (cluster != null) {
                    try {
                        cluster.stop();
                    } catch (IOException | RuntimeException stopFailure) {
                        e.addSuppressed(stopFailure);
                    }
                }
                EmbeddedRedisServer.deleteQuietly(dir);
            }
        }
        throw new IllegalStateException("could not start an embedded Redis Cluster", last);
    }

    private static void awaitClusterOk(int port) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try (Resp resp = new Resp("127.0.0.1", port, 2000)) {
                Object info = resp.call("CLUSTER", "INFO");
                if (info instanceof String s && s.contains("cluster_state:ok")) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Redis Cluster node 127.0.0.1:" + port + " never reached cluster_state:ok");
            }
            EmbeddedRedisServer.sleep(50);
        }
    }

    /** A seed URI for Lettuce's {@code RedisClusterClient}, e.g. {@code redis://127.0.0.1:41234}. */
    public String uri() {
        return "redis://127.0.0.1:" + ports.get(0);
    }

    /** The URIs of the three master nodes. */
    public List<String> nodeUris() {
        return ports.stream().map(p -> "redis://127.0.0.1:" + p).collect(Collectors.toUnmodifiableList());
    }

    /** The ports of the three master nodes. */
    public List<Integer> ports() {
        return ports;
    }

    /** Stops every node. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            cluster.stop();
            log.info("Embedded Redis Cluster on ports {} stopped", ports);
        } catch (IOException e) {
            throw new IllegalStateException("could not stop the embedded Redis Cluster on ports " + ports, e);
        } finally {
            EmbeddedRedisServer.deleteQuietly(dir);
        }
    }

    @Override
    public String toString() {
        return "EmbeddedRedisCluster" + nodeUris();
    }
}
