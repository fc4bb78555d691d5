package io.github.iskahomes.analytics.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisClusterExtension.class)
class RedisClusterExtensionTest {

    @Test
    void everyNodeReportsAHealthyClusterOfThreeMasters(TestRedisCluster cluster) throws IOException {
        assertThat(cluster.nodeUris()).hasSize(3).doesNotHaveDuplicates().contains(cluster.uri());
        for (String node : cluster.nodeUris()) {
            URI uri = URI.create(node);
            try (Resp resp = new Resp(uri.getHost(), uri.getPort(), 2000)) {
                String info = (String) resp.call("CLUSTER", "INFO");
                assertThat(info).contains("cluster_state:ok", "cluster_size:3", "cluster_slots_assigned:16384",
                        "cluster_known_nodes:3");
            }
        }
    }

    @Test
    void keysLandOnTheNodeOwningTheirSlot(TestRedisCluster cluster) throws IOException {
        // Keys with different hash tags spread over the masters; follow MOVED like a cluster client does.
        int moved = 0;
        for (int i = 0; i < 30; i++) {
            String key = cluster.keyPrefix() + "{" + i + "}:k";
            URI target = URI.create(cluster.uri());
            try (Resp seed = new Resp(target.getHost(), target.getPort(), 2000)) {
                seed.call("SET", key, "v" + i);
            } catch (Resp.RespError e) {
                assertThat(e.getMessage()).startsWith("MOVED ");
                moved++;
                String[] hostPort = e.getMessage().split(" ")[2].split(":");
                try (Resp owner = new Resp(hostPort[0], Integer.parseInt(hostPort[1]), 2000)) {
                    assertThat(owner.call("SET", key, "v" + i)).isEqualTo("OK");
                    assertThat(owner.call("GET", key)).isEqualTo("v" + i);
                }
            }
        }
        // With three masters owning a third of the slots each, most keys are elsewhere than the seed.
        assertThat(moved).isBetween(1, 29);
    }

    @Test
    void clusterIsSharedAndPrefixesDiffer(TestRedisCluster cluster) {
        Seen.CLUSTER_URIS.add(cluster.uri());
        assertThat(Seen.CLUSTER_URIS).hasSize(1);
        assertThat(Seen.REDIS_PREFIXES.add(cluster.keyPrefix())).isTrue();
        assertThat(cluster.embedded()).isTrue();
        assertThat(List.copyOf(cluster.nodeUris())).allMatch(u -> u.startsWith("redis://127.0.0.1:"));
    }
}
