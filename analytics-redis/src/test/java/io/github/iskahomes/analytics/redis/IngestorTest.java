package io.github.iskahomes.analytics.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iskahomes.analytics.core.BusinessCalendar;
import io.github.iskahomes.analytics.core.EntityKind;
import io.github.iskahomes.analytics.core.EntityRef;
import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.LeadAction;
import io.github.iskahomes.analytics.core.PayloadTooLargeException;
import io.github.iskahomes.analytics.core.RejectionCategory;
import io.github.iskahomes.analytics.core.StoreUnavailableException;
import io.github.iskahomes.analytics.core.internal.EventJson;
import io.github.iskahomes.analytics.testing.RedisExtension;
import io.github.iskahomes.analytics.testing.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisExtension.class)
class IngestorTest {
    private RedisClient client;
    private StatefulRedisConnection<String, String> probeConnection;
    private Ingestor ingestor;
    private Probe probe;
    private IngestorConfig config;
    private TestRedis redis;

    @BeforeEach
    void open(TestRedis redis) {
        this.redis = redis;
        client = RedisClient.create(redis.uri());
        probeConnection = client.connect();
        config = IngestorConfig.builder().keyPrefix(redis.keyPrefix()).build();
        ingestor = Ingestor.create(client, RedisURI.create(redis.uri()), config);
        probe = new Probe(probeConnection.sync(), redis.keyPrefix());
    }

    @AfterEach
    void close() {
        ingestor.close();
        probeConnection.close();
        client.shutdown();
    }

    @Test
    void everyEventTypeGivesTheContractsExactState() {
        Scenario scenario = new Scenario();
        IngestResult result = ingestor.ingest(scenario.events);
        assertThat(result).isEqualTo(new IngestResult(25, 0, Map.of(Scenario.DAY_KEY, 25), List.of()));
        scenario.assertState(ingestor.reader());
        // Readers of their own, as an aggregator in another process would build them.
        try (AnalyticsReader own = AnalyticsReader.connect(redis.uri(), config);
             AnalyticsReader borrowed = AnalyticsReader.create(client, RedisURI.create(redis.uri()), config)) {
            scenario.assertState(own);
            scenario.assertState(borrowed);
        }
    }

    @Test
    void keySchemaIsTheDesignsWithHashTags() {
        Scenario scenario = new Scenario();
        ingestor.ingest(scenario.events);
        Map<String, String> keys = probe.keys();
        String d = Scenario.DAY_KEY;
        assertThat(keys).containsEntry("listing:{L1}:day:" + d, "hash")
                .containsEntry("user:{U1}:day:" + d, "hash")
                .containsEntry("development:{DV1}:day:" + d, "hash")
                .containsEntry("lead:{L1}:{S1}:actions", "list")
                .containsEntry("lead:{L1}:{S1}:metadata", "hash")
                .containsEntry("lead:{L1}:{S1}:day:" + d + ":actions", "string");
        // On a standalone Redis a day's index entries of a kind are one set, shard 00 (shards spread a Cluster).
        assertThat(keys.keySet()).filteredOn(k -> k.startsWith("index:")).containsExactlyInAnyOrder(
                "index:listing:{" + d + ":00}", "index:user:{" + d + ":00}", "index:development:{" + d + ":00}",
                "index:lead:{" + d + ":00}");
        // A standalone Redis marks each uuid once, in the marker buckets of its event count; entity-days have none.
        // It counts a day's events in one shard, 00, whose 4,096 first-level buckets are made with its first count.
        assertThat(keys.keySet()).filteredOn(k -> k.startsWith("events:")).allMatch(
                k -> k.matches("events:\\{" + d + ":00}(:marks:\\d{1,4})?"));
        assertThat(keys.keySet()).filteredOn(k -> k.contains(":marks")).hasSize(4096)
                .allMatch(k -> keys.get(k).equals("hash"));
        // A unique metric of a few members keeps them inline in the counters hash: a field per visitor (its hash)
        // whose value tags the metrics it is a member of, 'a' unique_views and 'b' unique_leads. L1 was viewed by
        // S1 and S2, who both asked too, and asked by S3.
        Map<String, String> listing = probe.redis().hgetall(redis.keyPrefix() + "listing:{L1}:day:" + d);
        Map<String, String> members = new HashMap<>();
        listing.forEach((field, value) -> {
            if (field.matches("-?\\d+") && value.matches("[a-z]+")) {
                members.put(field, value);
            }
        });
        assertThat(members.values()).containsExactlyInAnyOrder("ab", "ab", "b");
        assertThat(members.keySet()).contains(Keys.uniqueMember(EntityKind.LISTING, "unique_views", "S1").substring(1),
                Keys.uniqueMember(EntityKind.LISTING, "unique_leads", "S3").substring(1));
        // Counters are fields of the entity-day's hash, never keys of their own: an event's counters are one field
        // of their letters (Keys.counterField), so the hash holds combinations, never a counter's name.
        // L1's: views logged in from home (total_views A, logged_in_views B, views_from_home D), anonymous from
        // search (A, anonymous_views C, views_from_search F) and logged in direct (A, B, views_from_direct G), a feed
        // impression (H), and a lead of each kind (total_leads N with phone_leads O … appointment_leads R).
        assertThat(listing.keySet()).filteredOn(field -> field.matches("[A-Z]+"))
                .containsExactlyInAnyOrder("ABD", "ACF", "ABG", "H", "NO", "NP", "NQ", "NR");
        assertThat(listing.keySet()).doesNotContainAnyElementsOf(EntityKind.LISTING.counters());
        assertThat(probe.counter("listing:{L1}:day:" + d, "total_views")).isEqualTo("3");
        assertThat(probe.counter("user:{U1}:day:" + d, "profile_views")).isEqualTo("1");
        // So is the metadata. An entity-day's only other keys are HyperLogLogs of more members than this: none.
        assertThat(listing).containsEntry("lister_id", "U1");
        assertThat(keys.keySet()).filteredOn(k -> k.matches("(listing|user|development):\\{[^}]+}:day:\\d{8}:.+"))
                .isEmpty();
        Set<String> listingIndex = new HashSet<>();
        for (int shard = 0; shard < 16; shard++) {
            listingIndex.addAll(probe.redis().smembers(redis.keyPrefix() + "index:listing:{" + d + ":"
                    + String.format("%02d", shard) + "}"));
        }
        assertThat(listingIndex).containsExactlyInAnyOrder("L1", "L2");
    }

    @Test
    void keysOfADayExpireTogetherEvenForLateEvents() {
        Scenario scenario = new Scenario();
        ingestor.ingest(scenario.events.subList(0, 10));
        // A late event for the same day arrives a "day" later: it must not move the day's expiry.
        ingestor.ingest(scenario.events.subList(10, scenario.events.size()));
        probe.assertEveryKeyExpiresWithTheScenarioDay();
    }

    @Test
    void keysCreatedByALaterEventOfAnEntityDayGetTheDaysExpiryToo() {
        // One event per batch: each entity-day's first event creates only some of its keys (the script sets the
        // expiry only on creation), later ones add counters, sketches, meta fields and lead keys.
        Scenario scenario = new Scenario();
        for (Event event : scenario.events) {
            ingestor.ingest(List.of(event));
        }
        scenario.assertState(ingestor.reader());
        probe.assertEveryKeyExpiresWithTheScenarioDay();
    }

    @Test
    void aNewDayWhoseLeadKeysAlreadyExistStillExpiresEveryKeyOfTheDay() {
        // The lead's metadata hash spans days: on the newer day it exists already, which must not be taken as a sign
        // that the newer day's keys exist (and have their expiry) too.
        LocalDate older = Scenario.DAY.minusDays(2);
        Map<String, Object> properties = Map.of("listing_id", "L1", "lister_id", "U1", "lister_type", "agent");
        ingestor.ingest(List.of(new Event("lead_phone", "S1", older.atTime(9, 0).toInstant(ZoneOffset.UTC), "old",
                properties)));
        ingestor.ingest(List.of(new Event("lead_phone", "S1", Scenario.NOON, "new", properties)));
        long expected = Keys.expiryOf(BusinessCalendar.UTC, Scenario.DAY, Duration.ofDays(7)).toEpochMilli();
        List<String> dayKeys = probe.keys().keySet().stream()
                .filter(k -> k.contains(Scenario.DAY_KEY) && !k.startsWith("index:") && !k.startsWith("events:"))
                .toList();
        assertThat(dayKeys).contains("listing:{L1}:day:" + Scenario.DAY_KEY, "user:{U1}:day:" + Scenario.DAY_KEY);
        assertThat(probe.keys().keySet()).filteredOn(k -> k.startsWith("events:{" + Scenario.DAY_KEY)).isNotEmpty()
                .allSatisfy(key -> probe.assertExpiresAt(key, expected));
        for (String key : dayKeys) {
            probe.assertExpiresAt(key, expected);
        }
    }

    @Test
    void dayFollowsTheBusinessZoneAndExpiresAtItsEnd() {
        ingestor.close();
        config = config.toBuilder().zone(java.time.ZoneId.of("Pacific/Kiritimati")).build(); // UTC+14
        ingestor = Ingestor.create(client, RedisURI.create(redis.uri()), config);
        // 11:00 UTC is already the next day at UTC+14.
        Instant at = Scenario.NOON.minus(Duration.ofHours(1));
        LocalDate day = Scenario.DAY.plusDays(1);
        ingestor.ingest(List.of(view("L9", "S1", at)));
        assertThat(ids(ingestor.reader(), EntityKind.LISTING, day)).containsExactly("L9");
        long expected = day.plusDays(1).atStartOfDay(config.calendar().zone()).plusDays(7).toInstant().toEpochMilli();
        probe.assertExpiresAt("listing:{L9}:day:" + Keys.day(day), expected);
    }

    @Test
    void replayedBatchIsCountedOnce() {
        Scenario scenario = new Scenario();
        ingestor.ingest(scenario.events);
        IngestResult replay = ingestor.ingest(scenario.events);
        assertThat(replay).isEqualTo(new IngestResult(0, 25, Map.of(), List.of()));
        scenario.assertState(ingestor.reader());
    }

    @Test
    void untimedEventRetriedAfterMidnightIsCountedOnce() {
        MidnightRetry retry = new MidnightRetry();
        retry.sendThenRetryAfterMidnight(ingestor);
        // Days later, and from a second ingestor (another node behind the load balancer): still the same event.
        try (Ingestor other = Ingestor.create(client, RedisURI.create(redis.uri()), config)) {
            other.clock(MidnightRetry.at(MidnightRetry.AFTER.plus(Duration.ofDays(3))));
            assertThat(other.ingest(List.of(retry.lead))).isEqualTo(new IngestResult(0, 1, Map.of(), List.of()));
        }
        retry.assertCountedOnceOnTheFirstDay(ingestor.reader(), probe);
    }

    @Test
    void untimedEventCutOffBeforeMidnightAndRetriedAfterIsCountedExactlyOnce() {
        int cuts = CutOff.midnightRetryAtEveryPoint((prefix, cutOff) -> Ingestor.create(client,
                RedisURI.create(redis.uri()), config.toBuilder().keyPrefix(redis.keyPrefix() + prefix).build(), cutOff),
                prefix -> new Probe(probe.redis(), redis.keyPrefix() + prefix));
        assertThat(cuts).as("index shards, listing, lister, development and the event count").isGreaterThanOrEqualTo(5);
    }

    @Test
    void untimedEventWithAUuidV7LandsOnTheUuidsDay() {
        LocalDate twoDaysAgo = Scenario.DAY.minusDays(1);
        Instant at = twoDaysAgo.atTime(8, 30).toInstant(ZoneOffset.UTC);
        Event view = new Event("property_view", "S1", null, v7(at), Map.of("listing_id", "L7"));
        assertThat(ingestor.ingest(List.of(view)))
                .isEqualTo(new IngestResult(1, 0, Map.of(Keys.day(twoDaysAgo), 1), List.of()));
        assertThat(ingestor.ingest(List.of(view))).isEqualTo(new IngestResult(0, 1, Map.of(), List.of()));
        assertThat(probe.counter("listing:{L7}:day:" + Keys.day(twoDaysAgo), "total_views")).isEqualTo("1");
        assertThat(ids(ingestor.reader(), EntityKind.LISTING, twoDaysAgo)).containsExactly("L7");
        assertThat(ids(ingestor.reader(), EntityKind.LISTING, LocalDate.now(ZoneOffset.UTC))).isEmpty();
    }

    /** A UUIDv7 (RFC 9562) carrying {@code at}, as the batcher makes them. */
    static String v7(Instant at) {
        long msb = (at.toEpochMilli() << 16) | 0x7000L | 0x0123L;
        return new UUID(msb, 0x8000_0000_0000_0000L | (UUID.randomUUID().getLeastSignificantBits() >>> 2)).toString();
    }

    @Test
    void unstorableTextAndCollidingIdsAreRejectedWithTheirReasonAndTheRestOfTheBatchCounts() {
        // As a client sends them: JSON escapes for U+0000 and for unpaired surrogates.
        String body = "{\"events\":["
                + lead("n0", "gallery") + "," + lead("n1", "photo\\u0000") + "," + lead("n2", "x\\ud83d") + ","
                + view("v3", "X\\ud800") + "," + view("v4", "X\\udbff") + "," + view("v5", "X?") + ","
                + view("v6\\udc00", "L1") + "]}";
        IngestResult result = ingestor.ingest(new java.io.ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
        assertThat(result.rejected()).containsExactly(
                new IngestResult.Rejection(1, "n1",
                        "context has a NUL character (U+0000) at position 6, which PostgreSQL cannot store",
                        RejectionCategory.UNSTORABLE_TEXT),
                new IngestResult.Rejection(2, "n2",
                        "context has an unpaired UTF-16 surrogate (U+D83D) at position 2, which UTF-8 cannot encode",
                        RejectionCategory.UNSTORABLE_TEXT),
                new IngestResult.Rejection(3, "v3",
                        "listing_id has an unpaired UTF-16 surrogate (U+D800) at position 2, which ids may not contain",
                        RejectionCategory.INVALID_PROPERTY),
                new IngestResult.Rejection(4, "v4",
                        "listing_id has an unpaired UTF-16 surrogate (U+DBFF) at position 2, which ids may not contain",
                        RejectionCategory.INVALID_PROPERTY),
                new IngestResult.Rejection(6, "v6\udc00",
                        "uuid has an unpaired UTF-16 surrogate (U+DC00) at position 3, which ids may not contain",
                        RejectionCategory.INVALID_PROPERTY));
        assertThat(result.ingested()).isEqualTo(2);
        assertThat(result.toJson()).contains("\"index\":6,");
        assertThat(ids(ingestor.reader(), EntityKind.LISTING, Scenario.DAY)).containsExactlyInAnyOrder("L1", "X?");
        assertThat(counter("X?", "total_views")).isEqualTo(1);
        assertThat(counter("L1", "total_leads")).isEqualTo(1);
        List<LeadState> leads = new ArrayList<>();
        ingestor.reader().forEachLead(Scenario.DAY, 10, leads::addAll);
        assertThat(leads).singleElement().satisfies(lead -> assertThat(lead.actions()).extracting(LeadAction::context)
                .containsExactly("gallery"));
    }

    private static String lead(String uuid, String context) {
        return "{\"event\":\"lead_phone\",\"uuid\":\"" + uuid + "\",\"timestamp\":\"" + Scenario.NOON
                + "\",\"distinct_id\":\"S1\",\"properties\":{\"listing_id\":\"L1\",\"context\":\"" + context + "\"}}";
    }

    private static String view(String uuid, String listing) {
        return "{\"event\":\"property_view\",\"uuid\":\"" + uuid + "\",\"timestamp\":\"" + Scenario.NOON
                + "\",\"distinct_id\":\"S1\",\"properties\":{\"listing_id\":\"" + listing + "\"}}";
    }

    @Test
    void warnsAtStartWhenRedisMayEvictTheDedupeMarkers() {
        assertThat(ingestor.evictionWarning()).as("the embedded Redis runs with noeviction").isNull();
        String before = probe.redis().configGet("maxmemory-policy").get("maxmemory-policy");
        probe.redis().configSet("maxmemory-policy", "allkeys-lru");
        try (Ingestor evicting = Ingestor.create(client, RedisURI.create(redis.uri()), config)) {
            assertThat(evicting.evictionWarning()).isEqualTo("Redis at " + redis.uri() + " has maxmemory-policy"
                    + " allkeys-lru, so it may evict keys when memory is full; an evicted dedupe marker lets a retried"
                    + " event count twice. Set maxmemory-policy noeviction.");
        } finally {
            probe.redis().configSet("maxmemory-policy", before);
        }
    }

    @Test
    void aFullRedisThatMayNotEvictRefusesTheBatchAsUnavailableAndTheRetryCountsOnce() {
        Scenario scenario = new Scenario();
        String before = probe.redis().configGet("maxmemory").get("maxmemory");
        probe.redis().configSet("maxmemory", "1");
        try {
            assertThatThrownBy(() -> ingestor.ingest(scenario.events)).isInstanceOf(StoreUnavailableException.class)
                    .hasMessage("Redis at " + redis.uri() + " is unavailable: OOM command not allowed when used memory"
                            + " > 'maxmemory'.");
        } finally {
            probe.redis().configSet("maxmemory", before);
        }
        assertThat(ingestor.ingest(scenario.events).ingested()).isEqualTo(25);
        scenario.assertState(ingestor.reader());
    }

    @Test
    void sameUuidTwiceInOneBatchIsADuplicate() {
        Event view = view("L1", "S1", Scenario.NOON);
        IngestResult result = ingestor.ingest(List.of(view, view, view.withProperty("listing_id", "L2")));
        assertThat(result.ingested()).isEqualTo(1);
        assertThat(result.duplicates()).isEqualTo(2);
        assertThat(counter("L1", "total_views")).isEqualTo(1);
        assertThat(ids(ingestor.reader(), EntityKind.LISTING, Scenario.DAY)).containsExactly("L1");
    }

    @Test
    void viewsOfOneListingInOneBatchAreOneIncrementPerCounterAndEachUuidCountsOnce() {
        Event earlier = view("L1", "S1", Scenario.NOON);
        ingestor.ingest(List.of(earlier));
        List<Event> batch = new ArrayList<>();
        batch.add(earlier);
        for (int i = 0; i < 40; i++) {
            batch.add(view("L1", "S" + i, Scenario.NOON));
        }
        batch.add(batch.get(7));
        long before = hincrbyCalls();

        IngestResult result = ingestor.ingest(batch);

        assertThat(result.ingested()).isEqualTo(40);
        assertThat(result.duplicates()).isEqualTo(2);
        assertThat(counter("L1", "total_views")).isEqualTo(41);
        // One HINCRBY per counter field of the listing-day for the whole batch, however many events it held: these
        // views all have the same counters (total, logged-in, direct), so one field of their combination.
        String hash = redis.keyPrefix() + "listing:{L1}:day:" + Scenario.DAY_KEY;
        long counters = probe.redis().hkeys(hash).stream().filter(field -> field.matches("[A-Z]+")).count();
        assertThat(counters).isEqualTo(1);
        // A standalone Redis counts the day's events in one shard: its property_view count and its number of markers
        // ('@marks'), once for the batch.
        assertThat(hincrbyCalls() - before).isEqualTo(counters + 2);
    }

    /** How many HINCRBYs the server has run (this JVM's tests run one at a time). */
    private long hincrbyCalls() {
        String stats = probe.redis().info("commandstats");
        int at = stats.indexOf("cmdstat_hincrby:calls=");
        if (at < 0) {
            return 0;
        }
        int from = at + "cmdstat_hincrby:calls=".length();
        return Long.parseLong(stats.substring(from, stats.indexOf(',', from)));
    }

    @Test
    void batchCutOffAtAnyPointThenRetriedIsCountedExactlyOnce() {
        // One call per hash slot, as on a Cluster: many points to cut at.
        assertThat(cutAtEveryPoint(true, "slots")).isGreaterThan(15);
    }

    @Test
    void batchAsOneCallIsAppliedWholeOrNotAtAll() {
        // Standalone: the whole batch is one atomic script call, so the only cut is before it.
        assertThat(cutAtEveryPoint(false, "one")).isEqualTo(1);
    }

    @Test
    void batchInPipelinedSubBatchesCutOffAtAnyPointThenRetriedIsCountedExactlyOnce() {
        // Sub-batches of 4 events: the scenario's 25 events go as 7 pipelined script calls, each one atomic and cut
        // between events, so a cut after any of them is retried exactly as one between the calls of a Cluster.
        int cuts = CutOff.scenarioAtEveryPoint(() -> CutOff.inSubBatchesOf(4), (prefix, cutOff) -> Ingestor.create(
                client, RedisURI.create(redis.uri()),
                config.toBuilder().keyPrefix(redis.keyPrefix() + "sub" + prefix).build(), cutOff));
        assertThat(cuts).isEqualTo(7);
    }

    @Test
    void aBatchInSubBatchesReportsEveryEventExactlyAndInOrder() {
        CutOff calls = CutOff.inSubBatchesOf(3);
        try (Ingestor sub = Ingestor.create(client, RedisURI.create(redis.uri()),
                config.toBuilder().keyPrefix(redis.keyPrefix() + "sub:").build(), calls)) {
            Event earlier = view("L1", "S0", Scenario.NOON);
            sub.ingest(List.of(earlier));
            LocalDate dayBefore = Scenario.DAY.minusDays(1);
            Event noListing = new Event("property_view", "S9", Scenario.NOON, "no-listing", Map.of());
            List<Event> batch = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                batch.add(view("L" + i % 3, "S" + i, Scenario.NOON.plusSeconds(i)));
            }
            batch.add(3, earlier); // applied by the call above: a duplicate in the third sub-batch
            batch.add(6, noListing); // rejected, and no sub-batch's business
            batch.add(batch.get(1)); // the same uuid twice in one batch
            batch.add(view("L2", "S11", Scenario.NOON.minus(Duration.ofDays(1))));
            calls.after(Integer.MAX_VALUE);

            IngestResult result = sub.ingest(batch);

            assertThat(calls.sent()).as("12 events to write, 3 per call").isEqualTo(4);
            assertThat(result).isEqualTo(new IngestResult(11, 2, Map.of(Scenario.DAY_KEY, 10, Keys.day(dayBefore), 1),
                    List.of(new IngestResult.Rejection(6, "no-listing", "listing_id is missing",
                            RejectionCategory.MISSING_PROPERTY))));
            assertThat(probe.counter("sub:listing:{L0}:day:" + Scenario.DAY_KEY, "total_views"))
                    .isEqualTo("4");
            assertThat(probe.counter("sub:listing:{L1}:day:" + Scenario.DAY_KEY, "total_views"))
                    .isEqualTo("4");
            assertThat(probe.counter("sub:listing:{L2}:day:" + Scenario.DAY_KEY, "total_views"))
                    .isEqualTo("3");
            assertThat(probe.counter("sub:listing:{L2}:day:" + Keys.day(dayBefore), "total_views")).isEqualTo("1");
            assertThat(sub.ingest(batch)).isEqualTo(new IngestResult(0, 13, Map.of(), result.rejected()));
        }
    }

    @Test
    void aBatchsLastSubBatchIsAQuarterOfOneSoTheCallerWaitsLessForItsEnd() {
        // Sub-batches of 8: 20 events go as 8, 8, 2 and a last one of 2 (a quarter of 8), which is what the caller
        // waits for with nothing left to plan; every event counted once, and a replay counted as duplicates.
        CutOff calls = CutOff.inSubBatchesOf(8);
        try (Ingestor sub = Ingestor.create(client, RedisURI.create(redis.uri()),
                config.toBuilder().keyPrefix(redis.keyPrefix() + "tail:").build(), calls)) {
            List<Event> batch = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                batch.add(view("L" + i % 5, "S" + i, Scenario.NOON.plusSeconds(i)));
            }
            calls.after(Integer.MAX_VALUE);
            assertThat(sub.ingest(batch).ingested()).isEqualTo(20);
            assertThat(calls.sent()).isEqualTo(4);
            assertThat(probe.counter("tail:listing:{L4}:day:" + Scenario.DAY_KEY, "total_views")).isEqualTo("4");
            assertThat(sub.ingest(batch).duplicates()).isEqualTo(20);
        }
    }

    private int cutAtEveryPoint(boolean perSlot, String label) {
        return CutOff.scenarioAtEveryPoint(perSlot, (prefix, cutOff) -> Ingestor.create(client,
                RedisURI.create(redis.uri()), config.toBuilder().keyPrefix(redis.keyPrefix() + label + prefix).build(),
                cutOff));
    }

    @Test
    void batchRetriedAfterRedisRestartIsCountedExactlyOnce() throws Exception {
        Scenario scenario = new Scenario();
        try (Ingestor own = Ingestor.connect(redis.uri(), config)) {
            own.ingest(scenario.events.subList(0, 12));
            redis.stop();
            try {
                assertThatThrownBy(() -> own.ingest(scenario.events)).isInstanceOf(StoreUnavailableException.class)
                        .hasMessageStartingWith("Redis at " + redis.uri() + " is unavailable: ");
            } finally {
                redis.start();
            }
            IngestResult retry = retryUntilAvailable(own, scenario.events);
            assertThat(retry.ingested()).isEqualTo(13);
            assertThat(retry.duplicates()).isEqualTo(12);
            scenario.assertState(own.reader());
        }
    }

    @Test
    void scriptsAreLoadedAgainAfterRedisForgetsThem() {
        Scenario scenario = new Scenario();
        ingestor.ingest(scenario.events.subList(0, 5));
        probe.redis().scriptFlush();
        assertThat(ingestor.ingest(scenario.events).ingested()).isEqualTo(20);
        scenario.assertState(ingestor.reader());
    }

    @Test
    @SuppressWarnings("unchecked")
    void evalSendsAScriptCallsBinaryHeadsAsTheBytesTheyAre() {
        // EVAL is the runner's last resort, for a server that lost the scripts again after they were loaded: it
        // carries the script itself and the same ARGV, whose segment and part heads are bytes no text codec keeps.
        io.github.iskahomes.analytics.core.internal.EventValidator validator =
                new io.github.iskahomes.analytics.core.internal.EventValidator(config.validationRules());
        List<io.github.iskahomes.analytics.core.internal.MutationPlan> plans = Stream.of(
                        view("L1", "S1", Scenario.NOON), view("L1", "S2", Scenario.NOON), view("L2", "S1", Scenario.NOON))
                .map(event -> io.github.iskahomes.analytics.core.internal.MetricContract.plan(
                        ((io.github.iskahomes.analytics.core.internal.Validation.Accepted) validator.validate(event,
                                Instant.now())).event()))
                .toList();
        WritePlanner planner = new WritePlanner(new Keys(config.keyPrefix(), config.indexShards()), config, true);
        probe.redis().scriptFlush();
        List<List<Object>> replies = new ArrayList<>();
        try (RedisStore store = RedisStore.open(redis.uri(), Duration.ofSeconds(5))) {
            for (int run = 0; run < 2; run++) {
                ScriptCall many = ScriptCall.many(planner.plan(plans).calls());
                many.future = store.script(many, true);
                store.flush();
                replies.add((List<Object>) store.await(many.future, store.deadline()));
            }
        }
        // The first run applied every part (counts, index entries, entity-days); the second found every uuid.
        assertThat(replies.get(0)).hasSize(7).containsOnly(1L);
        assertThat(replies.get(1)).containsExactly(0L, 0L, 0L, 1L, 0L, 0L, 0L);
        Map<String, Long> views = new TreeMap<>();
        ingestor.reader().forEachEntity(EntityKind.LISTING, Scenario.DAY, 100,
                chunk -> chunk.forEach(day -> views.put(day.entity().id(), day.counter("total_views"))));
        assertThat(views).isEqualTo(Map.of("L1", 2L, "L2", 1L));
        assertThat(ingestor.reader().eventCounts(Scenario.DAY))
                .containsEntry(io.github.iskahomes.analytics.core.EventType.PROPERTY_VIEW, 3L);
    }

    @Test
    void everySubBatchOfABatchIsSentAgainAfterRedisForgetsTheScripts() {
        try (Ingestor sub = Ingestor.create(client, RedisURI.create(redis.uri()),
                config.toBuilder().keyPrefix(redis.keyPrefix() + "noscript:").build(), CutOff.inSubBatchesOf(4))) {
            Scenario scenario = new Scenario();
            sub.ingest(scenario.events.subList(0, 5));
            probe.redis().scriptFlush();
            // Seven pipelined sub-batches, each answered NOSCRIPT: all are sent again once loaded, none applied twice.
            assertThat(sub.ingest(scenario.events)).extracting(IngestResult::ingested, IngestResult::duplicates)
                    .containsExactly(20, 5);
            scenario.assertState(sub.reader());
        }
    }

    @Test
    void failsFastNamingTheServerWhenRedisIsDown() {
        try (Ingestor own = Ingestor.connect(redis.uri(), config.toBuilder().commandTimeout(Duration.ofMillis(500)).build())) {
            redis.stop();
            try {
                long start = System.nanoTime();
                assertThatThrownBy(() -> own.ingest(List.of(view("L1", "S1", Scenario.NOON))))
                        .isInstanceOf(StoreUnavailableException.class)
                        .hasMessageStartingWith("Redis at " + redis.uri() + " is unavailable: ")
                        .satisfies(e -> assertThat(((StoreUnavailableException) e).store()).isEqualTo("Redis at " + redis.uri()));
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
                assertThatThrownBy(() -> own.reader().eventCounts(Scenario.DAY)).isInstanceOf(StoreUnavailableException.class);
                assertThatThrownBy(() -> Ingestor.connect(redis.uri(), config)).isInstanceOf(StoreUnavailableException.class)
                        .hasMessageStartingWith("Redis at " + redis.uri() + " is unavailable: ");
            } finally {
                redis.start();
            }
        }
    }

    @Test
    void failsFastWhenRedisIsSlowAndTheRetryCountsOnce() throws Exception {
        try (Ingestor own = Ingestor.connect(redis.uri(), config.toBuilder().commandTimeout(Duration.ofMillis(300)).build());
             StatefulRedisConnection<String, String> sleeper = client.connect()) {
            var sleeping = sleeper.async().dispatch(io.lettuce.core.protocol.CommandType.DEBUG,
                    new io.lettuce.core.output.StatusOutput<>(io.lettuce.core.codec.StringCodec.UTF8),
                    new io.lettuce.core.protocol.CommandArgs<>(io.lettuce.core.codec.StringCodec.UTF8).add("SLEEP").add("1.5")); // blocks the whole server, as a slow Redis would
            Thread.sleep(100);
            Event event = view("L1", "S1", Scenario.NOON);
            long start = System.nanoTime();
            assertThatThrownBy(() -> own.ingest(List.of(event))).isInstanceOf(StoreUnavailableException.class)
                    .hasMessage("Redis at " + redis.uri() + " is unavailable: no answer within 300 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1200));
            sleeping.get(5, java.util.concurrent.TimeUnit.SECONDS);
            // The timed-out batch still ran once Redis woke up: the retry finds it applied and counts nothing twice.
            assertThat(retryUntilAvailable(own, List.of(event)).duplicates()).isEqualTo(1);
            assertThat(counter("L1", "total_views")).isEqualTo(1);
        }
    }

    @Test
    void everyRejectionReasonIsReportedAndGoodEventsStillCount() {
        Instant now = Instant.now();
        String big = "x".repeat(40_000);
        List<Event> events = List.of(
                view("L1", "S1", Scenario.NOON),                                                    // 0 ok
                new Event("", "S1", now, "u1", Map.of()),                                          // 1
                new Event("house_view", "S1", now, "u2", Map.of()),                                // 2
                new Event("property_view", "S1", now, "u3", Map.of()),                             // 3
                new Event("property_view", "S1", now, "u4", Map.of("listing_id", "a{b}")),         // 4
                new Event("property_view", "S1", now, "u5", Map.of("listing_id", "a b")),          // 5
                new Event("property_view", "S1", now.minus(Duration.ofDays(9)), "u6", Map.of("listing_id", "L1")), // 6
                new Event("property_view", "S1", now.plus(Duration.ofHours(2)), "u7", Map.of("listing_id", "L1")), // 7
                new Event("property_view", "S1", now, "u8", Map.of("listing_id", "L1", "lister_id", "U1",
                        "lister_type", "landlord")),                                               // 8
                new Event("property_view", "S1", now, "u9", Map.of("listing_id", "L1", "lister_id", "U1")), // 9
                new Event("property_view", null, now, "u10", Map.of("listing_id", "L1")),          // 10
                new Event("property_view", "S1", now, "u{11}", Map.of("listing_id", "L1")),        // 11
                new Event("property_view", "S1", now, "u12", Map.of("listing_id", "L1", "note", big)), // 12
                new Event("profile_view", "S1", now, "u13", Map.of("profile_id", "U1", "user_type", "buyer")), // 13
                new Event("property_view", "S1", now, "u14", Map.of("listing_id", List.of(1))));  // 14
        IngestResult result = ingestor.ingest(events);
        assertThat(result.ingested()).isEqualTo(1);
        assertThat(result.rejected()).extracting(IngestResult.Rejection::index, IngestResult.Rejection::uuid)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1, "u1"), org.assertj.core.groups.Tuple.tuple(2, "u2"),
                        org.assertj.core.groups.Tuple.tuple(3, "u3"), org.assertj.core.groups.Tuple.tuple(4, "u4"),
                        org.assertj.core.groups.Tuple.tuple(5, "u5"), org.assertj.core.groups.Tuple.tuple(6, "u6"),
                        org.assertj.core.groups.Tuple.tuple(7, "u7"), org.assertj.core.groups.Tuple.tuple(8, "u8"),
                        org.assertj.core.groups.Tuple.tuple(9, "u9"), org.assertj.core.groups.Tuple.tuple(10, "u10"),
                        org.assertj.core.groups.Tuple.tuple(11, "u{11}"), org.assertj.core.groups.Tuple.tuple(12, "u12"),
                        org.assertj.core.groups.Tuple.tuple(13, "u13"), org.assertj.core.groups.Tuple.tuple(14, "u14"));
        List<String> reasons = result.rejected().stream().map(IngestResult.Rejection::reason).toList();
        assertThat(reasons.get(0)).isEqualTo("event name is missing");
        assertThat(reasons.get(1)).isEqualTo("event \"house_view\" is not in the catalogue");
        assertThat(reasons.get(2)).isEqualTo("listing_id is missing");
        assertThat(reasons.get(3)).isEqualTo("listing_id has '{', which ids may not contain");
        assertThat(reasons.get(4)).isEqualTo("listing_id has a whitespace character at position 2, which ids may not contain");
        assertThat(reasons.get(5)).startsWith("timestamp ").endsWith(" is older than the 7-day retention");
        assertThat(reasons.get(6)).startsWith("timestamp ").endsWith(" is more than 1 hour in the future");
        assertThat(reasons.get(7)).isEqualTo("lister_type \"landlord\" is not one of developer, agent, agency, property_manager");
        assertThat(reasons.get(8)).isEqualTo(
                "lister_type is missing; it is required with lister_id (one of developer, agent, agency, property_manager)");
        assertThat(reasons.get(9)).isEqualTo("distinct_id is missing; send distinct_id or a seeker_id property");
        assertThat(reasons.get(10)).isEqualTo("uuid has '{', which ids may not contain");
        assertThat(reasons.get(11)).matches("properties are about \\d+ bytes; at most 32768 are allowed");
        assertThat(reasons.get(12)).isEqualTo("user_type \"buyer\" is not one of developer, agent, agency, property_manager");
        assertThat(reasons.get(13)).isEqualTo("listing_id must be a string, not an array");
        // The category of each reason above: the tag a metrics system counts rejections by.
        assertThat(result.rejected()).extracting(IngestResult.Rejection::category).containsExactly(
                RejectionCategory.MISSING_PROPERTY, RejectionCategory.UNKNOWN_EVENT_TYPE,
                RejectionCategory.MISSING_PROPERTY, RejectionCategory.INVALID_PROPERTY,
                RejectionCategory.INVALID_PROPERTY, RejectionCategory.TIMESTAMP_OUT_OF_RANGE,
                RejectionCategory.TIMESTAMP_OUT_OF_RANGE, RejectionCategory.INVALID_PROPERTY,
                RejectionCategory.MISSING_PROPERTY, RejectionCategory.MISSING_PROPERTY,
                RejectionCategory.INVALID_PROPERTY, RejectionCategory.TOO_LARGE, RejectionCategory.INVALID_PROPERTY,
                RejectionCategory.INVALID_PROPERTY);
        assertThat(counter("L1", "total_views")).isEqualTo(1);
    }

    @Test
    void decodingProblemsAreRejectionsToo() {
        String body = "{\"events\":[42, {\"event\":\"property_view\",\"uuid\":\"d1\",\"timestamp\":\"yesterday\","
                + "\"distinct_id\":\"S1\",\"properties\":{\"listing_id\":\"L1\"}},"
                + "{\"event\":\"property_view\",\"uuid\":\"d2\",\"distinct_id\":\"S1\",\"properties\":{\"listing_id\":\"L1\"}},"
                + "{\"uuid\":\"d3\",\"distinct_id\":\"S1\"}]}";
        IngestResult result = ingestor.ingest(new java.io.ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
        assertThat(result.ingested()).isEqualTo(1);
        assertThat(result.rejected()).containsExactly(
                new IngestResult.Rejection(0, null, "the element is a number, not an event object",
                        RejectionCategory.INVALID_PAYLOAD),
                new IngestResult.Rejection(1, "d1", "timestamp \"yesterday\" is not an ISO-8601 date-time with an offset"
                        + " (such as 2025-01-15T10:00:00Z) nor epoch milliseconds", RejectionCategory.INVALID_PAYLOAD),
                new IngestResult.Rejection(3, "d3", "event name is missing", RejectionCategory.MISSING_PROPERTY));
    }

    @Test
    void tooManyEventsIsRefusedWhole() {
        ingestor.close();
        ingestor = Ingestor.create(client, RedisURI.create(redis.uri()), config.toBuilder().maxEventsPerRequest(2).build());
        List<Event> three = List.of(view("L1", "S1", Scenario.NOON), view("L1", "S2", Scenario.NOON),
                view("L1", "S3", Scenario.NOON));
        assertThatThrownBy(() -> ingestor.ingest(three)).isInstanceOf(PayloadTooLargeException.class)
                .hasMessage("the request has 3 events; at most 2 are allowed per request");
        assertThat(probe.keys()).isEmpty();
    }

    @Test
    void leadActionListKeepsTheNewestButTheDayCounterCountsAll() {
        ingestor.close();
        ingestor = Ingestor.create(client, RedisURI.create(redis.uri()), config.toBuilder().leadActionCap(3).build());
        List<Event> leads = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            leads.add(new Event("lead_message", "S1", Scenario.NOON.plusSeconds(i), "m" + i, Map.of("listing_id", "L1")));
        }
        ingestor.ingest(leads);
        List<LeadState> states = new ArrayList<>();
        ingestor.reader().forEachLead(Scenario.DAY, 10, states::addAll);
        assertThat(states).singleElement().satisfies(lead -> {
            assertThat(lead.actions()).extracting(LeadAction::uuid).containsExactly("m2", "m3", "m4");
            assertThat(lead.actionsOnDay()).isEqualTo(5);
        });
    }

    @Test
    void leadKeysSpanningDaysLiveUntilTheirNewestDayExpires() {
        LocalDate older = Scenario.DAY.minusDays(2);
        ingestor.ingest(List.of(new Event("lead_phone", "S1", Scenario.NOON, "new", Map.of("listing_id", "L1"))));
        ingestor.ingest(List.of(new Event("lead_email", "S1", older.atTime(9, 0).toInstant(ZoneOffset.UTC), "old",
                Map.of("listing_id", "L1"))));
        long newest = Keys.expiryOf(BusinessCalendar.UTC, Scenario.DAY, Duration.ofDays(7)).toEpochMilli();
        long oldest = Keys.expiryOf(BusinessCalendar.UTC, older, Duration.ofDays(7)).toEpochMilli();
        probe.assertExpiresAt("lead:{L1}:{S1}:actions", newest);
        probe.assertExpiresAt("lead:{L1}:{S1}:day:" + Keys.day(older) + ":actions", oldest);
        List<LeadState> onOlder = new ArrayList<>();
        ingestor.reader().forEachLead(older, 10, onOlder::addAll);
        assertThat(onOlder).singleElement().satisfies(lead -> {
            assertThat(lead.actionsOnDay()).isEqualTo(1);
            assertThat(lead.actions()).extracting(LeadAction::uuid).containsExactly("new", "old");
        });
    }

    @Test
    void readerStreamsEveryEntityOnceInBoundedChunks() {
        List<Event> views = new ArrayList<>();
        for (int i = 0; i < 230; i++) {
            views.add(view("L" + i, "S" + (i % 7), Scenario.NOON.plusSeconds(i)));
        }
        ingestor.ingest(views);
        List<String> seen = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        ingestor.reader().forEachEntity(EntityKind.LISTING, Scenario.DAY, 25, chunk -> {
            sizes.add(chunk.size());
            chunk.forEach(day -> {
                assertThat(day.counter("total_views")).isEqualTo(1);
                assertThat(day.unique("unique_views")).isEqualTo(1);
                seen.add(day.entity().id());
            });
        });
        assertThat(sizes).allMatch(size -> size <= 25);
        assertThat(seen).hasSize(230).doesNotHaveDuplicates();
    }

    @Test
    void uniquesOverSeveralDaysAreUnionsNotSums() {
        List<Event> views = new ArrayList<>();
        for (int day = 0; day < 3; day++) {
            for (int seeker = 0; seeker < 4; seeker++) {
                views.add(view("L1", "S" + (seeker + day), Scenario.NOON.minus(Duration.ofDays(day)).plusSeconds(seeker)));
            }
        }
        ingestor.ingest(views);
        AnalyticsReader reader = ingestor.reader();
        List<LocalDate> days = List.of(Scenario.DAY, Scenario.DAY.minusDays(1), Scenario.DAY.minusDays(2));
        assertThat(reader.uniqueCount(EntityRef.listing("L1"), "unique_views", days)).isEqualTo(6);
        List<byte[]> sketches = days.stream().map(d -> reader.sketch(EntityRef.listing("L1"), "unique_views", d)).toList();
        assertThat(reader.unionCount(sketches)).isEqualTo(6);
        assertThat(reader.unionCount(List.of())).isZero();
        assertThat(reader.sketch(EntityRef.listing("L1"), "unique_views", Scenario.DAY.minusDays(5))).isNull();
        assertThatThrownBy(() -> reader.unionCount(List.of("not a sketch".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(io.github.iskahomes.analytics.core.AnalyticsException.class)
                .hasMessageContaining("refused a command");
        assertThat(probe.keys().keySet()).noneMatch(k -> k.startsWith("tmp:"));
    }

    @Test
    void aUniqueMetricKeepsItsFirstMembersInlinePerCounterFieldThenAddsTheRestToASketchWithTheDaysExpiry() {
        String counters = "listing:{L9}:day:" + Scenario.DAY_KEY;
        String sketchKey = counters + ":unique_views";
        AnalyticsReader reader = ingestor.reader();
        // Views with the same counters (total, logged in, direct) go to one counter field: its first three viewers
        // are inline.
        for (int seeker = 1; seeker <= Keys.INLINE_MEMBERS; seeker++) {
            ingestor.ingest(List.of(view("L9", "S" + seeker, Scenario.NOON.plusSeconds(seeker))));
        }
        assertThat(probe.keys()).doesNotContainKey(sketchKey);
        assertThat(inlineMembers(counters)).hasSize(3).allMatch("a"::equals);
        assertThat(reader.entities(EntityKind.LISTING, Scenario.DAY, List.of("L9")).get(0).unique("unique_views"))
                .isEqualTo(3);

        // The fourth such view is the first into the sketch, which gets the day's expiry; the three stay inline.
        ingestor.ingest(List.of(view("L9", "S4", Scenario.NOON.plusSeconds(4))));
        assertThat(probe.redis().get(redis.keyPrefix() + sketchKey)).startsWith("HYLL");
        assertThat(probe.redis().pfcount(redis.keyPrefix() + sketchKey)).isEqualTo(1);
        probe.assertExpiresAt(sketchKey, Keys.expiryOf(BusinessCalendar.UTC, Scenario.DAY, Duration.ofDays(7))
                .toEpochMilli());
        assertThat(inlineMembers(counters)).hasSize(3);
        // A view from search is another field (total, logged in, search), new: its viewer is inline.
        ingestor.ingest(List.of(new Event("property_view", "S5", Scenario.NOON.plusSeconds(5),
                UUID.randomUUID().toString(), Map.of("listing_id", "L9", "viewed_from", "search"))));
        assertThat(inlineMembers(counters)).hasSize(4);
        assertThat(probe.redis().pfcount(redis.keyPrefix() + sketchKey)).isEqualTo(1);
        assertThat(reader.entities(EntityKind.LISTING, Scenario.DAY, List.of("L9")).get(0).unique("unique_views"))
                .isEqualTo(5);

        // Twelve more, five of them seen already, in one batch: the reader unions the inline members and the sketch.
        List<Event> again = new ArrayList<>();
        for (int seeker = 1; seeker <= 12; seeker++) {
            again.add(view("L9", "S" + seeker, Scenario.NOON.plusSeconds(100 + seeker)));
        }
        ingestor.ingest(again);
        EntityDay day = reader.entities(EntityKind.LISTING, Scenario.DAY, List.of("L9")).get(0);
        assertThat(day.counter("total_views")).isEqualTo(17);
        assertThat(day.counter("views_from_search")).isEqualTo(1);
        assertThat(day.counter("views_from_direct")).isEqualTo(16);
        assertThat(day.unique("unique_views")).isEqualTo(12);
        assertThat(reader.uniqueCount(EntityRef.listing("L9"), "unique_views", List.of(Scenario.DAY))).isEqualTo(12);
        assertThat(reader.unionCount(List.of(day.sketches().get("unique_views")))).isEqualTo(12);

        // Twelve new viewers of a fresh listing in one batch: their field passes three in that call, so all go to
        // the sketch and none inline.
        List<Event> batch = new ArrayList<>();
        for (int seeker = 1; seeker <= 12; seeker++) {
            batch.add(view("L10", "T" + seeker, Scenario.NOON.plusSeconds(seeker)));
        }
        ingestor.ingest(batch);
        assertThat(inlineMembers("listing:{L10}:day:" + Scenario.DAY_KEY)).isEmpty();
        assertThat(probe.redis().pfcount(redis.keyPrefix() + "listing:{L10}:day:" + Scenario.DAY_KEY + ":unique_views"))
                .isEqualTo(12);
        assertThat(reader.entities(EntityKind.LISTING, Scenario.DAY, List.of("L10")).get(0).unique("unique_views"))
                .isEqualTo(12);
    }

    /** The values of the counters hash's inline unique members: fields that are a decimal hash, whose value is tags. */
    private List<String> inlineMembers(String counters) {
        return probe.redis().hgetall(redis.keyPrefix() + counters).entrySet().stream()
                .filter(e -> e.getKey().matches("-?\\d+") && e.getValue().matches("[a-z]+")).map(Map.Entry::getValue)
                .toList();
    }

    @Test
    void resultJsonIsTheSeedsPlusDuplicatesAndRejections() {
        IngestResult result = new IngestResult(45, 2, Map.of("20250115", 45),
                List.of(new IngestResult.Rejection(3, "u-3", "listing_id is missing"),
                        new IngestResult.Rejection(4, null, "the element is a number, not an event object")));
        assertThat(result.toJson()).isEqualTo("{\"success\":true,\"ingested\":45,\"duplicates\":2,"
                + "\"byDay\":{\"20250115\":45},\"rejected\":[{\"index\":3,\"uuid\":\"u-3\",\"reason\":\"listing_id is missing\"},"
                + "{\"index\":4,\"uuid\":null,\"reason\":\"the element is a number, not an event object\"}]}");
    }

    @Test
    void concurrentCallersShareOneIngestorSafely() throws Exception {
        int threads = 4;
        int perThread = 50;
        List<Thread> workers = new ArrayList<>();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            int thread = t;
            workers.add(new Thread(() -> {
                try {
                    for (int i = 0; i < perThread; i += 10) {
                        List<Event> batch = new ArrayList<>();
                        for (int j = i; j < i + 10; j++) {
                            batch.add(view("L" + thread, "S" + j, Scenario.NOON.plusSeconds(j)));
                        }
                        ingestor.ingest(batch);
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        workers.forEach(Thread::start);
        for (Thread worker : workers) {
            worker.join();
        }
        assertThat(failures).isEmpty();
        for (int t = 0; t < threads; t++) {
            assertThat(counter("L" + t, "total_views")).isEqualTo(perThread);
        }
    }

    @Test
    void oneBatchWithMoreIndexMembersThanOneSaddTakesIndexesThemAll() {
        // 2,500 listings in one index shard: the script's SADD takes them in chunks of Script.MAX_UNPACK.
        for (boolean perSlot : new boolean[] {false, true}) {
            ingestor.close();
            ingestor = Ingestor.create(client, RedisURI.create(redis.uri()), config.toBuilder().indexShards(1)
                    .maxEventsPerRequest(2500).keyPrefix(redis.keyPrefix() + perSlot + ":").build(),
                    perSlot ? CutOff.perSlot() : CutOff.asOneCall());
            List<Event> views = new ArrayList<>();
            for (int i = 0; i < 2500; i++) {
                views.add(new Event("property_view", "S1", Scenario.NOON, UUID.randomUUID().toString(),
                        Map.of("listing_id", "L" + i, "lister_id", "U" + i % 7, "lister_type", "agent")));
            }
            assertThat(ingestor.ingest(views).ingested()).isEqualTo(2500);
            assertThat(ids(ingestor.reader(), EntityKind.LISTING, Scenario.DAY)).hasSize(2500).contains("L0", "L2499");
            assertThat(ids(ingestor.reader(), EntityKind.USER, Scenario.DAY)).hasSize(7);
            String listingDay = redis.keyPrefix() + perSlot + ":listing:{L3}:day:" + Scenario.DAY_KEY;
            assertThat(probe.redis().hgetall(listingDay)).containsEntry("lister_id", "U3")
                    .containsEntry("lister_type", "agent");
            assertThat(new Probe(probe.redis(), redis.keyPrefix() + perSlot + ":")
                    .counter("listing:{L3}:day:" + Scenario.DAY_KEY, "total_views")).isEqualTo("1");
            assertThat(ingestor.ingest(views).duplicates()).isEqualTo(2500);
        }
    }

    @Test
    void dedupeMarkerMemoryPerEvent() {
        // Reported in docs/analytics-redis.md: what the uuid markers cost, measured with MEMORY USAGE. 196,608
        // events a day fill the 4,096 first-level marker buckets of a day to about 48 markers each: 50 buckets here.
        int events = 2450;
        List<Event> views = new ArrayList<>();
        Keys keys = new Keys("", config.indexShards());
        Set<String> buckets = new HashSet<>();
        for (int i = 0; views.size() < events; i++) {
            String uuid = UUID.randomUUID().toString();
            // A standalone Redis: one count shard of 4,096 buckets.
            String bucket = keys.eventMarks(Scenario.DAY_KEY, 0, Marker.of(uuid), 4096);
            if (buckets.size() < 50 || buckets.contains(bucket)) {
                buckets.add(bucket);
                views.add(new Event("listing_impression", "S1", Scenario.NOON, uuid, Map.of("listing_id", "L1")));
            }
        }
        for (int i = 0; i < events; i += 490) {
            ingestor.ingest(views.subList(i, i + 490));
        }
        long marks = 0;
        for (String key : buckets) {
            marks += memory(key);
            assertThat(probe.redis().objectEncoding(redis.keyPrefix() + key)).isEqualTo("ziplist");
        }
        // Events sent without a timestamp also pin it under their uuid: one small key each.
        List<Event> untimed = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            untimed.add(new Event("listing_impression", "S1", null, UUID.randomUUID().toString(),
                    Map.of("listing_id", "L2")));
        }
        ingestor.ingest(untimed);
        long pins = 0;
        for (Event event : untimed) {
            pins += memory("uuid:{" + event.uuid() + "}:timestamp");
        }
        System.out.printf("dedupe markers: %.1f bytes per event in ziplist marker buckets of ~49, %.1f bytes per"
                + " untimed event's pinned timestamp (36-character uuids)%n", marks / (double) events,
                pins / 1000.0);
        assertThat(marks / events).isBetween(15L, 30L);
        assertThat(pins / 1000).isBetween(40L, 200L);
    }

    @Test
    void aShardsMarkersMoveToTheNextLevelOfBucketsByTheirNumberAndEveryBucketStaysAZiplist() {
        // With one call per slot, as on a Cluster, a day's counts are spread over indexShards shards; 1,024 of them
        // leave each shard 4 first-level buckets: level 1 takes markers while the shard holds fewer than 4 * 48,
        // level 2 (4 buckets below each) while fewer than 5 * 192, level 3 (16 below each) while fewer than 21 * 192,
        // then level 4 (64 below each). A call puts all its markers in one level, so batches of 10 fill the levels to
        // 200, 760, 3,080 and 960.
        IngestorConfig sharded = config.toBuilder().indexShards(1024).build();
        Keys keys = new Keys("", 1024);
        int shard = -1;
        List<Event> views = new ArrayList<>();
        while (views.size() < 5000) {
            String uuid = UUID.randomUUID().toString();
            if (shard < 0) {
                shard = keys.shardOf(uuid);
            }
            if (keys.shardOf(uuid) == shard) {
                views.add(view("L" + views.size() % 50, "S" + views.size(), Scenario.NOON, uuid));
            }
        }
        String counts = keys.eventCounts(Scenario.DAY_KEY, shard);
        String marks = counts + ":marks:";
        long expected = Keys.expiryOf(BusinessCalendar.UTC, Scenario.DAY, Duration.ofDays(7)).toEpochMilli();
        String prefix = redis.keyPrefix() + "levels:";
        try (Ingestor own = Ingestor.create(client, RedisURI.create(redis.uri()),
                sharded.toBuilder().keyPrefix(prefix).build(), CutOff.perSlot())) {
            for (int i = 0; i < views.size(); i += 10) {
                assertThat(own.ingest(views.subList(i, i + 10)).ingested()).isEqualTo(10);
            }
            for (int i = 0; i < views.size(); i += 1000) {
                assertThat(own.ingest(views.subList(i, i + 1000)).duplicates()).isEqualTo(1000);
            }
        }
        Probe own = new Probe(probe.redis(), prefix);
        assertThat(probe.redis().hget(prefix + counts, "@marks")).isEqualTo("5000");
        assertThat(probe.redis().hget(prefix + counts, "property_view")).isEqualTo("5000");
        long[] perLevel = new long[5];
        int[] bucketsPerLevel = new int[5];
        List<String> buckets = own.keys().keySet().stream().filter(k -> k.startsWith(marks)).toList();
        for (String bucket : buckets) {
            int level = bucket.substring(marks.length()).split(":").length;
            bucketsPerLevel[level]++;
            // Every bucket of a level is made when the shard reaches it, with a placeholder field '@'.
            perLevel[level] += probe.redis().hlen(prefix + bucket) - 1;
            assertThat(probe.redis().hexists(prefix + bucket, "@")).as(bucket).isTrue();
            assertThat(probe.redis().objectEncoding(prefix + bucket)).as(bucket).isEqualTo("ziplist");
            own.assertExpiresAt(bucket, expected);
        }
        assertThat(bucketsPerLevel).containsExactly(0, 4, 16, 64, 256);
        assertThat(perLevel).containsExactly(0, 200, 760, 3080, 960);
        long counted = 0;
        for (int l = 0; l < 50; l++) {
            counted += Long.parseLong(own.counter("listing:{L" + l + "}:day:" + Scenario.DAY_KEY, "total_views"));
        }
        assertThat(counted).isEqualTo(5000);
    }

    @Test
    void withOneCallPerSlotAFullCountersHashContinuesInMarkerBucketsThatStayZiplistsAndDedupeAsBefore() {
        // 2,600 views of one listing, one call per slot (as on a Cluster): the listing-day's markers fill its
        // counters hash up to 64 fields, then sub-buckets of 120 one and two levels down.
        List<Event> views = new ArrayList<>();
        while (views.size() < 2600) {
            views.add(view("L1", "S" + views.size(), Scenario.NOON));
        }
        long expected = Keys.expiryOf(BusinessCalendar.UTC, Scenario.DAY, Duration.ofDays(7)).toEpochMilli();
        String prefix = redis.keyPrefix() + "slots:";
        try (Ingestor own = Ingestor.create(client, RedisURI.create(redis.uri()),
                config.toBuilder().keyPrefix(prefix).build(), CutOff.perSlot())) {
            for (int i = 0; i < views.size(); i += 650) {
                assertThat(own.ingest(views.subList(i, i + 650)).ingested()).isEqualTo(650);
            }
            for (int i = 0; i < views.size(); i += 650) {
                assertThat(own.ingest(views.subList(i, i + 650)).duplicates()).isEqualTo(650);
            }
        }
        Probe own = new Probe(probe.redis(), prefix);
        String hash = "listing:{L1}:day:" + Scenario.DAY_KEY;
        assertThat(own.counter(hash, "total_views")).isEqualTo("2600");
        assertThat(probe.redis().hlen(prefix + hash)).isBetween(64L, 128L);
        assertThat(probe.redis().objectEncoding(prefix + hash)).isEqualTo("ziplist");
        List<String> marks = own.keys().keySet().stream().filter(k -> k.startsWith(hash + ":marks:")).toList();
        assertThat(marks).anyMatch(k -> k.substring(hash.length()).matches(":marks:\\d+")) // level 2
                .anyMatch(k -> k.substring(hash.length()).matches(":marks:\\d+:\\d+")); // level 3
        // A marker field starts with a digit or '-' (a canonical uuid's first half), and its value is no metric tag
        // (inline unique members are decimals too; this batch of 650 sent its members to the sketch at once).
        long markers = probe.redis().hgetall(prefix + hash).entrySet().stream()
                .filter(f -> !Character.isLetter(f.getKey().charAt(0)) && !f.getValue().matches("[a-z]+")).count();
        for (String key : marks) {
            markers += probe.redis().hlen(prefix + key);
            assertThat(probe.redis().objectEncoding(prefix + key)).as(key).isEqualTo("ziplist");
            own.assertExpiresAt(key, expected);
        }
        own.assertExpiresAt(hash, expected);
        assertThat(markers).isEqualTo(2600);
    }

    @Test
    void uuidsThatShareTheirFirstHalfAreTwoEvents() {
        // The marker field is a canonical uuid's first 64 bits; the value tells two such uuids apart.
        String first = "0190c8e2-7b4a-7def-8123-456789abcdef";
        String second = "0190c8e2-7b4a-7def-8123-456789abcde0";
        for (CutOff mode : List.of(CutOff.asOneCall(), CutOff.perSlot())) {
            try (Ingestor own = Ingestor.create(client, RedisURI.create(redis.uri()),
                    config.toBuilder().keyPrefix(redis.keyPrefix() + mode.batchAsOneCall() + ":").build(), mode)) {
                List<Event> both = List.of(view("L1", "S1", Scenario.NOON, first), view("L1", "S2", Scenario.NOON, second));
                assertThat(own.ingest(both.subList(0, 1)).ingested()).isEqualTo(1);
                assertThat(own.ingest(both).ingested()).isEqualTo(1);
                assertThat(own.ingest(both).duplicates()).isEqualTo(2);
                assertThat(own.ingest(List.of(view("L1", "S3", Scenario.NOON, second.toUpperCase()))).ingested())
                        .isEqualTo(1);
                assertThat(new Probe(probe.redis(), redis.keyPrefix() + mode.batchAsOneCall() + ":")
                        .counter("listing:{L1}:day:" + Scenario.DAY_KEY, "total_views")).isEqualTo("3");
            }
        }
    }

    @Test
    void withOneCallPerSlotEachEntityDayKeepsItsMarkersInItsCountersHash() {
        try (Ingestor own = Ingestor.create(client, RedisURI.create(redis.uri()),
                config.toBuilder().keyPrefix(redis.keyPrefix() + "slots:").build(), CutOff.perSlot())) {
            Scenario scenario = new Scenario();
            own.ingest(scenario.events);
            Map<String, String> keys = new Probe(probe.redis(), redis.keyPrefix() + "slots:").keys();
            // The entity-day's markers are fields of its counters hash (no key of their own).
            assertThat(keys.keySet()).noneMatch(k -> k.contains(":day:" + Scenario.DAY_KEY + ":marks"));
            for (String hash : List.of("listing:{L1}:day:" + Scenario.DAY_KEY, "user:{U1}:day:" + Scenario.DAY_KEY)) {
                assertThat(probe.redis().hkeys(redis.keyPrefix() + "slots:" + hash)).as(hash)
                        .anyMatch(field -> !Character.isLetter(field.charAt(0)));
            }
            assertThat(own.ingest(scenario.events).duplicates()).isEqualTo(25);
            scenario.assertState(own.reader());
        }
    }

    private long memory(String key) {
        Long bytes = probe.redis().memoryUsage(redis.keyPrefix() + key);
        return bytes == null ? 0 : bytes;
    }

    private long counter(String listing, String metric) {
        String value = probe.counter("listing:{" + listing + "}:day:" + Scenario.DAY_KEY, metric);
        return value == null ? 0 : Long.parseLong(value);
    }

    static List<String> ids(AnalyticsReader reader, EntityKind kind, LocalDate day) {
        List<String> ids = new ArrayList<>();
        reader.forEachEntity(kind, day, 100, chunk -> chunk.forEach(e -> ids.add(e.entity().id())));
        return ids;
    }

    static Event view(String listing, String seeker, Instant at) {
        return view(listing, seeker, at, UUID.randomUUID().toString());
    }

    static Event view(String listing, String seeker, Instant at, String uuid) {
        return new Event("property_view", seeker, at, uuid, Map.of("listing_id", listing));
    }

    static IngestResult retryUntilAvailable(Ingestor ingestor, List<Event> events) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                return ingestor.ingest(events);
            } catch (StoreUnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }
}
