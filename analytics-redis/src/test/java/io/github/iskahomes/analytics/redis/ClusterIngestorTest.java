package io.github.iskahomes.analytics.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.testing.RedisClusterExtension;
import io.github.iskahomes.analytics.testing.TestRedisCluster;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The same contract on a Redis Cluster of three masters: hash tags keep each script and multi-key read in one slot. */
@ExtendWith(RedisClusterExtension.class)
class ClusterIngestorTest {
    private RedisClusterClient client;
    private StatefulRedisClusterConnection<String, String> probeConnection;
    private Ingestor ingestor;
    private Probe probe;
    private IngestorConfig config;
    private TestRedisCluster cluster;

    @BeforeEach
    void open(TestRedisCluster cluster) {
        this.cluster = cluster;
        client = RedisClusterClient.create(cluster.uri());
        probeConnection = client.connect();
        config = IngestorConfig.builder().keyPrefix(cluster.keyPrefix()).build();
        ingestor = Ingestor.create(client, config);
        probe = new Probe(probeConnection.sync(), cluster.keyPrefix());
    }

    @AfterEach
    void close() {
        ingestor.close();
        probeConnection.close();
        client.shutdown();
    }

    @Test
    void everyEventTypeGivesTheContractsExactStateAcrossNodes() {
        Scenario scenario = new Scenario();
        assertThat(ingestor.ingest(scenario.events))
                .isEqualTo(new IngestResult(25, 0, Map.of(Scenario.DAY_KEY, 25), List.of()));
        scenario.assertState(ingestor.reader());
        Set<String> keys = probe.keys().keySet();
        Set<String> nodes = keys.stream()
                .map(key -> client.getPartitions().getPartitionBySlot(SlotHash.getSlot(cluster.keyPrefix() + key)).getNodeId())
                .collect(Collectors.toSet());
        assertThat(nodes).as("the keys are spread over the masters").hasSizeGreaterThanOrEqualTo(2);
        // Every key of one entity, and every key of a lead, shares the entity's (listing's) slot. L1's unique
        // metrics have a few members each, inline in its counters hash: no HyperLogLog key among the ten.
        int l1 = SlotHash.getSlot("L1");
        assertThat(keys).filteredOn(k -> k.startsWith("listing:{L1}") || k.startsWith("lead:{L1}"))
                .contains("listing:{L1}:day:" + Scenario.DAY_KEY).hasSize(10)
                .noneMatch(k -> k.contains(":unique_")).allMatch(k -> SlotHash.getSlot(cluster.keyPrefix() + k) == l1);
    }

    @Test
    void uniqueMembersInlineAndInTheSketchAreReadAsOneUnionAcrossNodes() {
        // Five viewers inline in each listing's hash, then seven more that pass the companion's 8 into the sketch;
        // the reader reads the sketches of those listings only, in their slots, and unions them with the inline five.
        List<String> listings = List.of("L1", "L2", "L3", "L4");
        List<Event> first = new java.util.ArrayList<>();
        List<Event> second = new java.util.ArrayList<>();
        for (String listing : listings) {
            for (int seeker = 0; seeker < 12; seeker++) {
                (seeker < 5 ? first : second).add(IngestorTest.view(listing, "S" + seeker,
                        Scenario.NOON.plusSeconds(seeker)));
            }
        }
        ingestor.ingest(first);
        ingestor.ingest(second);
        List<EntityDay> days = ingestor.reader().entities(io.github.iskahomes.analytics.core.EntityKind.LISTING,
                Scenario.DAY, List.of("L1", "L2", "L3", "L4", "L5"));
        assertThat(days).extracting(day -> day.unique("unique_views")).containsExactly(12L, 12L, 12L, 12L, 0L);
        assertThat(days).extracting(day -> day.counter("total_views")).containsExactly(12L, 12L, 12L, 12L, 0L);
        assertThat(probe.keys().keySet()).filteredOn(k -> k.endsWith(":unique_views")).hasSize(4);
    }

    @Test
    void replayedBatchIsCountedOnce() {
        Scenario scenario = new Scenario();
        ingestor.ingest(scenario.events);
        assertThat(ingestor.ingest(scenario.events)).isEqualTo(new IngestResult(0, 25, Map.of(), List.of()));
        scenario.assertState(ingestor.reader());
    }

    @Test
    void batchCutOffAtAnyPointThenRetriedIsCountedExactlyOnce() {
        int cuts = CutOff.scenarioAtEveryPoint(true, (prefix, cutOff) -> Ingestor.create(client,
                config.toBuilder().keyPrefix(cluster.keyPrefix() + prefix).build(), cutOff));
        assertThat(cuts).as("one call per hash slot: many points to cut at").isGreaterThan(15);
    }

    @Test
    void untimedEventRetriedAfterMidnightIsCountedOnceInEverySlot() {
        MidnightRetry retry = new MidnightRetry();
        retry.sendThenRetryAfterMidnight(ingestor);
        retry.assertCountedOnceOnTheFirstDay(ingestor.reader(), probe);
    }

    @Test
    void untimedEventCutOffBeforeMidnightAndRetriedAfterIsCountedExactlyOnce() {
        int cuts = CutOff.midnightRetryAtEveryPoint((prefix, cutOff) -> Ingestor.create(client,
                config.toBuilder().keyPrefix(cluster.keyPrefix() + prefix).build(), cutOff),
                prefix -> new Probe(probe.redis(), cluster.keyPrefix() + prefix));
        assertThat(cuts).as("index shards, listing, lister, development and the event count").isGreaterThanOrEqualTo(5);
    }

    @Test
    void warnsAtStartNamingTheMasterThatMayEvict() {
        assertThat(ingestor.evictionWarning()).isNull();
        String node = cluster.nodeUris().get(0);
        try (var one = io.lettuce.core.RedisClient.create(node); var connection = one.connect()) {
            String before = connection.sync().configGet("maxmemory-policy").get("maxmemory-policy");
            connection.sync().configSet("maxmemory-policy", "volatile-ttl");
            try (Ingestor evicting = Ingestor.create(client, config)) {
                assertThat(evicting.evictionWarning()).isEqualTo("Redis at " + node + " has maxmemory-policy"
                        + " volatile-ttl, so it may evict keys when memory is full; an evicted dedupe marker lets a"
                        + " retried event count twice. Set maxmemory-policy noeviction.");
            } finally {
                connection.sync().configSet("maxmemory-policy", before);
            }
        }
    }

    @Test
    void keysOfADayExpireTogether() {
        ingestor.ingest(new Scenario().events);
        probe.assertEveryKeyExpiresWithTheScenarioDay();
    }

    @Test
    void factoryFromAClusterUriAndScriptReloadOnEveryNode() {
        String uri = "redis-cluster://" + cluster.nodeUris().stream().map(u -> u.substring(u.indexOf("://") + 3))
                .collect(Collectors.joining(","));
        Scenario scenario = new Scenario();
        try (Ingestor own = Ingestor.connect(uri, config)) {
            own.ingest(scenario.events.subList(0, 5));
            probe.redis().scriptFlush();
            assertThat(own.ingest(scenario.events).ingested()).isEqualTo(20);
            scenario.assertState(own.reader());
        }
    }
}
