package io.github.iskahomes.analytics.testing;

import java.net.URI;
import java.util.List;

/**
 * One test's view of a real Redis Cluster of three masters: seed URI, node URIs and the key prefix that keeps
 * this test's keys apart. Obtained by parameter injection under {@link RedisClusterExtension}.
 *
 * <p>The cluster is shared by all tests of the JVM (embedded, started once) or is the external cluster named by
 * {@code ANALYTICS_REDIS_CLUSTER_URL} (then {@link #nodeUris()} holds only that seed). The prefix contains no
 * {@code {}}, so hash tags placed after it still decide the slot.
 *
 * <p>Thread-safe.
 */
public final class TestRedisCluster {

    private final String uri;
    private final List<String> nodeUris;
    private final String keyPrefix;
    private final boolean embedded;

    TestRedisCluster(String uri, List<String> nodeUris, String keyPrefix, boolean embedded) {
        this.uri = uri;
        this.nodeUris = List.copyOf(nodeUris);
        this.keyPrefix = keyPrefix;
        this.embedded = embedded;
    }

    static TestRedisCluster create() {
        String external = Env.get(Env.REDIS_CLUSTER_URL);
        if (external != null) {
            URI.create(external); // fail fast on a malformed value
            return new TestRedisCluster(external, List.of(external), Ids.keyPrefix(), false);
        }
        EmbeddedRedisCluster cluster = SharedServers.cluster();
        return new TestRedisCluster(cluster.uri(), cluster.nodeUris(), Ids.keyPrefix(), true);
    }

    /** A seed URI for Lettuce's {@code RedisClusterClient}, e.g. {@code redis://127.0.0.1:7001}. */
    public String uri() {
        return uri;
    }

    /** The URIs of the master nodes (embedded: all three; external: the seed). */
    public List<String> nodeUris() {
        return nodeUris;
    }

    /** A key prefix unique to this test, e.g. {@code tq3k9zx-42:}. */
    public String keyPrefix() {
        return keyPrefix;
    }

    /** Whether the cluster is the embedded one. */
    public boolean embedded() {
        return embedded;
    }

    @Override
    public String toString() {
        return "TestRedisCluster[" + uri + ", prefix " + keyPrefix + "]";
    }
}
