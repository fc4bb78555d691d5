package io.github.iskahomes.analytics.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iskahomes.analytics.core.EntityKind;
import io.github.iskahomes.analytics.core.EntityRef;
import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.EventType;
import io.github.iskahomes.analytics.testing.RedisClusterExtension;
import io.github.iskahomes.analytics.testing.RedisExtension;
import io.github.iskahomes.analytics.testing.TestRedis;
import io.github.iskahomes.analytics.testing.TestRedisCluster;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What {@link AnalyticsReader#watch} and {@link AnalyticsReader#intact} tell about a day read while it expires, and
 * the reader's script calls: several per chunk, and again after Redis forgot the script.
 */
@ExtendWith({RedisExtension.class, RedisClusterExtension.class})
class AnalyticsReaderTest {

    @Test
    void aWatchedDayStaysIntactUntilAKeyItWatchesExpires(TestRedis redis) {
        // On a standalone Redis every index entry of a kind and day is in shard 0.
        onStandalone(redis, (ingestor, raw, config) -> check(ingestor,
                key -> raw.pexpireat(key, System.currentTimeMillis()),
                new Keys(config.keyPrefix(), config.indexShards()), config, 0));
    }

    /** What a test does with an ingestor on the standalone Redis, a raw connection beside it and its config. */
    private interface StandaloneTest {
        void run(Ingestor ingestor, RedisCommands<String, String> raw, IngestorConfig config);
    }

    private static void onStandalone(TestRedis redis, StandaloneTest test) {
        RedisClient client = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> raw = client.connect()) {
            IngestorConfig config = IngestorConfig.builder().keyPrefix(redis.keyPrefix()).build();
            Ingestor ingestor = Ingestor.create(client, RedisURI.create(redis.uri()), config);
            test.run(ingestor, raw.sync(), config);
            ingestor.close();
        } finally {
            client.shutdown();
        }
    }

    @Test
    void onAClusterAWatchSeesAnIndexShardExpire(TestRedisCluster cluster) {
        onCluster(cluster, (ingestor, raw, config) -> {
            Keys keys = new Keys(config.keyPrefix(), config.indexShards());
            check(ingestor, key -> raw.pexpireat(key, System.currentTimeMillis()), keys, config, keys.shardOf("L1"));
        });
    }

    /** What a test does with an ingestor on the Cluster, a raw connection beside it and its config. */
    private interface ClusterTest {
        void run(Ingestor ingestor, RedisAdvancedClusterCommands<String, String> raw, IngestorConfig config);
    }

    private static void onCluster(TestRedisCluster cluster, ClusterTest test) {
        RedisClusterClient client = RedisClusterClient.create(cluster.uri());
        try (StatefulRedisClusterConnection<String, String> raw = client.connect()) {
            IngestorConfig config = IngestorConfig.builder().keyPrefix(cluster.keyPrefix()).build();
            Ingestor ingestor = Ingestor.create(client, config);
            test.run(ingestor, raw.sync(), config);
            ingestor.close();
        } finally {
            client.shutdown();
        }
    }

    @Test
    void theReaderReadsTheSameStateAfterRedisForgetsItsScript(TestRedis redis) {
        onStandalone(redis, (ingestor, raw, config) -> {
            Scenario scenario = new Scenario();
            assertThat(ingestor.ingest(scenario.events).rejected()).isEmpty();
            scenario.assertState(ingestor.reader());
            // EVALSHA answers NOSCRIPT now: the reader sends the script itself and reads on.
            raw.scriptFlush();
            scenario.assertState(ingestor.reader());
        });
    }

    @Test
    void aChunkLargerThanOneScriptCallIsReadWhole(TestRedis redis) {
        onStandalone(redis, (ingestor, raw, config) -> {
            int listings = BulkReads.MAX_PER_CALL * 2 + 7;
            List<Event> views = new ArrayList<>();
            for (int i = 0; i < listings; i++) {
                views.add(new Event("property_view", "seeker-" + i, Scenario.NOON, UUID.randomUUID().toString(),
                        Map.of("listing_id", "L" + i, "lister_id", "U1", "lister_type", "agent")));
            }
            for (int from = 0; from < listings; from += 500) {
                assertThat(ingestor.ingest(views.subList(from, Math.min(listings, from + 500))).rejected()).isEmpty();
            }
            Map<String, EntityDay> read = new HashMap<>();
            ingestor.reader().forEachEntity(EntityKind.LISTING, Scenario.DAY, listings, chunk -> chunk.forEach(
                    day -> read.put(day.entity().id(), day)));
            assertThat(read).hasSize(listings);
            assertThat(read.values()).allSatisfy(day -> {
                assertThat(day.counter("total_views")).isEqualTo(1);
                assertThat(day.unique("unique_views")).isEqualTo(1);
                assertThat(day.metadata()).containsEntry("lister_id", "U1");
            });
        });
    }

    @Test
    void entitiesReadsTheGivenIdsOfADayInOrderWithZerosForAnIdWithoutEvents(TestRedis redis) {
        IngestorConfig config = IngestorConfig.builder().keyPrefix(redis.keyPrefix()).build();
        try (Ingestor ingestor = Ingestor.connect(redis.uri(), config)) {
            assertThat(ingestor.ingest(new Scenario().events).rejected()).isEmpty();

            List<EntityDay> days = ingestor.reader().entities(EntityKind.LISTING, Scenario.DAY,
                    List.of("L2", "nothing-here", "L1"));

            assertThat(days).extracting(day -> day.entity().id()).containsExactly("L2", "nothing-here", "L1");
            assertThat(days.get(2).counters()).containsEntry("total_views", 3L).containsEntry("total_leads", 4L)
                    .containsEntry("phone_leads", 1L);
            assertThat(days.get(2).uniques()).containsEntry("unique_views", 2L);
            assertThat(days.get(0).counters()).containsEntry("total_impressions", 4L).containsEntry("total_views", 0L);
            assertThat(days.get(1).counters().values()).containsOnly(0L);
            assertThat(ingestor.reader().entities(EntityKind.LISTING, Scenario.DAY, List.of())).isEmpty();
        }
    }

    @Test
    void theCountersHashGivesCountersAndMetadataAndTheReaderPassesOverMarkersAndBookkeeping(TestRedis redis) {
        onStandalone(redis, (ingestor, raw, config) -> {
            Keys keys = new Keys(config.keyPrefix(), config.indexShards());
            seedOneListingDay(raw::hset, raw::sadd, keys);
            assertReadsTheSeededDay(ingestor.reader());
        });
    }

    @Test
    void aSketchKeyIsReadWhereANamedCompanionIsAboveEightOrAFieldHoldingItAboveThree(TestRedis redis) {
        onStandalone(redis, (ingestor, raw, config) -> {
            Keys keys = new Keys(config.keyPrefix(), config.indexShards());
            // L20 as the third round wrote it: total_views named by itself, 2 members inline, 7 in the sketch.
            seedViews(raw, keys, "L20", Map.of("total_views", "9"), 0, 2, 9);
            // L21 now: views logged in from home (ABD) passed 3, so its fourth viewer went to the sketch.
            seedViews(raw, keys, "L21", Map.of("ABD", "4", "ACF", "1"), 0, 3, 4);
            // L22: no field holding total_views (A) is above 3, so the writer made no sketch; a key there is not
            // read.
            seedViews(raw, keys, "L22", Map.of("ABD", "3"), 0, 3, 8);
            List<EntityDay> days = ingestor.reader().entities(EntityKind.LISTING, Scenario.DAY,
                    List.of("L20", "L21", "L22"));
            assertThat(days).extracting(day -> day.counter("total_views")).containsExactly(9L, 5L, 3L);
            assertThat(days).extracting(day -> day.unique("unique_views")).containsExactly(9L, 4L, 3L);
        });
    }

    /**
     * A listing-day's counters hash with {@code fields}, visitors {@code from..inline-1} as inline members and
     * {@code inline..sketched-1} in its unique_views HyperLogLog key (their decimal, as Keys.uniqueMember sends it).
     */
    private static void seedViews(RedisCommands<String, String> raw, Keys keys, String listing,
                                  Map<String, String> fields, int from, int inline, int sketched) {
        EntityRef entity = EntityRef.listing(listing);
        Map<String, String> hash = new HashMap<>(fields);
        for (int v = from; v < inline; v++) {
            hash.put(Keys.uniqueMember(EntityKind.LISTING, "unique_views", "S" + v).substring(1), "a");
        }
        raw.hset(keys.counters(entity, Scenario.DAY), hash);
        for (int v = inline; v < sketched; v++) {
            raw.pfadd(keys.entityDay(entity, Scenario.DAY, "unique_views"),
                    Keys.uniqueMember(EntityKind.LISTING, "unique_views", "S" + v).substring(1));
        }
    }

    @Test
    void onAClusterTheCountersHashGivesCountersAndMetadataAndTheReaderPassesOverMarkers(TestRedisCluster cluster) {
        onCluster(cluster, (ingestor, raw, config) -> {
            seedOneListingDay(raw::hset, raw::sadd, new Keys(config.keyPrefix(), config.indexShards()));
            assertReadsTheSeededDay(ingestor.reader());
        });
    }

    /**
     * One listing-day written by hand in the layout the writer leaves: counters combined into fields (total_views is
     * {@code A}, views_from_home {@code D}: 3 views from elsewhere, 2 from home), metadata, markers (a digit, {@code -}
     * or {@code ~} first) and the writer's {@code @} bookkeeping, all fields of the counters hash; one counter named
     * by itself as days before combinations have them ({@code logged_in_views}); and a count shard with its
     * {@code @marks}.
     */
    private static void seedOneListingDay(BiFunction<String, Map<String, String>, Long> hset,
                                          BiFunction<String, String[], Long> sadd, Keys keys) {
        Map<String, String> fields = new HashMap<>(Map.of("A", "3", "AD", "2", "logged_in_views", "4",
                "lister_id", "U9", "lister_type", "agent", "development_id", "D4", "0f3a9c", "1", "-x9", "not a number",
                "~7", ""));
        fields.putAll(Map.of("@marks", "3", "Total_views", "99", "AxD", "50"));
        hset.apply(keys.counters(EntityRef.listing("L7"), Scenario.DAY), fields);
        sadd.apply(keys.index(EntityKind.LISTING, Scenario.DAY, keys.shardOf("L7")), new String[] {"L7"});
        hset.apply(keys.eventCounts(Scenario.DAY, 0), Map.of("property_view", "5", "@marks", "7"));
    }

    private static void assertReadsTheSeededDay(AnalyticsReader reader) {
        List<EntityDay> read = new ArrayList<>();
        reader.forEachEntity(EntityKind.LISTING, Scenario.DAY, 100, read::addAll);
        assertThat(read).hasSize(1);
        EntityDay day = read.get(0);
        assertThat(day.counter("total_views")).isEqualTo(5);
        assertThat(day.counter("views_from_home")).isEqualTo(2);
        assertThat(day.counter("logged_in_views")).isEqualTo(4);
        assertThat(day.counters().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(11);
        assertThat(day.metadata()).containsExactlyInAnyOrderEntriesOf(
                Map.of("lister_id", "U9", "lister_type", "agent", "development_id", "D4"));
        assertThat(reader.entities(EntityKind.LISTING, Scenario.DAY, List.of("L7")).get(0)).isEqualTo(day);
        assertThat(reader.eventCounts(Scenario.DAY)).containsExactlyEntriesOf(
                Map.of(EventType.PROPERTY_VIEW, 5L));
    }

    private static void check(Ingestor ingestor, Consumer<String> expireNow, Keys keys, IngestorConfig config,
                              int listingIndexShard) {
        AnalyticsReader reader = ingestor.reader();
        assertThat(reader.watch(Scenario.DAY)).isEmpty();
        Scenario scenario = new Scenario();
        assertThat(ingestor.ingest(scenario.events).rejected()).isEmpty();

        AnalyticsReader.DayWatch watch = reader.watch(Scenario.DAY).orElseThrow();
        assertThat(watch.day()).isEqualTo(Scenario.DAY);
        assertThat(reader.intact(watch)).isTrue();
        // More events of the day while it is read do not spoil the reading.
        assertThat(ingestor.ingest(new Scenario().events).rejected()).isEmpty();
        assertThat(reader.intact(watch)).isTrue();

        String listingIndex = keys.index(EntityKind.LISTING, Scenario.DAY, listingIndexShard);
        expireNow.accept(listingIndex);
        assertThat(reader.intact(watch)).as("an index shard expired mid-reading").isFalse();
        assertThat(reader.watch(Scenario.DAY)).as("a new reading watches what is left").isPresent()
                .get().satisfies(again -> assertThat(reader.intact(again)).isTrue());
        for (int shard = 0; shard < config.indexShards(); shard++) {
            expireNow.accept(keys.eventCounts(Scenario.DAY, shard));
            for (EntityKind kind : EntityKind.values()) {
                expireNow.accept(keys.index(kind, Scenario.DAY, shard));
            }
            expireNow.accept(keys.index(Keys.LEAD_KIND, Scenario.DAY, shard));
        }
        assertThat(reader.watch(Scenario.DAY)).as("the whole day expired").isEmpty();
    }
}
