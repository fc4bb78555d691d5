package io.github.iskahomes.analytics.batcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iskahomes.analytics.core.BusinessCalendar;
import io.github.iskahomes.analytics.core.EntityKind;
import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.EventType;
import io.github.iskahomes.analytics.core.LeadKind;
import io.github.iskahomes.analytics.core.ListerType;
import io.github.iskahomes.analytics.core.ListingSource;
import io.github.iskahomes.analytics.core.StoreUnavailableException;
import io.github.iskahomes.analytics.redis.AnalyticsReader;
import io.github.iskahomes.analytics.redis.EntityDay;
import io.github.iskahomes.analytics.redis.IngestHandler;
import io.github.iskahomes.analytics.redis.IngestHandlerConfig;
import io.github.iskahomes.analytics.redis.Ingestor;
import io.github.iskahomes.analytics.redis.IngestorConfig;
import io.github.iskahomes.analytics.testing.RedisExtension;
import io.github.iskahomes.analytics.testing.TestRedis;
import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The whole path a host app uses: Tracker → EventBatcher → HTTP → IngestHandler → Ingestor → a real Redis. */
@ExtendWith(RedisExtension.class)
class EndToEndTest {

    @Test
    void countsAreExactEvenWhenAnAnswerIsLostAndTheBatchIsResent(TestRedis redis) throws Exception {
        IngestorConfig config = IngestorConfig.builder().keyPrefix(redis.keyPrefix()).build();
        IngestHandlerConfig http = IngestHandlerConfig.builder().webhookSecret("s3cret").build();
        // The second request is ingested, but its answer is lost: the batcher must resend and Redis must count once.
        try (IngestServer server = new IngestServer(redis, config, http, (n, response) -> n == 2
                ? new IngestHandler.Response(503, "{\"error\":\"answer lost\"}", Map.of()) : response)) {
            AnalyticsReader reader = server.reader();
            URI endpoint = server.uri();
            RecordingListener listener = new RecordingListener();
            List<Event> tracked = new ArrayList<>();
            EventBatcher batcher = EventBatcher.builder()
                    .config(BatcherConfig.builder().flushAt(50).flushInterval(Duration.ofHours(1))
                            .backoff(Duration.ofMillis(10), Duration.ofMillis(50)).build())
                    .sink(HttpIngestSink.builder(endpoint).secret("s3cret").build())
                    .listener(listener)
                    .build();
            try (batcher) {
                for (int i = 0; i < 300; i++) {
                    Tracker seeker = Tracker.of(batcher, "seeker-" + (i % 30), i % 2 == 0);
                    tracked.add(seeker.trackPropertyView("listing-" + (i % 3), ListingSource.HOME, "dev-1",
                            ListerType.DEVELOPER));
                }
                for (int i = 0; i < 20; i++) {
                    tracked.add(Tracker.of(batcher, "seeker-" + (i % 5), true).trackLead(LeadKind.PHONE, "listing-0",
                            "dev-1", ListerType.DEVELOPER, "listing_page"));
                }
                assertThat(batcher.flush(Duration.ofSeconds(30))).isTrue();
            }

            assertThat(batcher.stats().get("ingest")).isEqualTo(new SinkStats("ingest", 320, 320, 50, 0, 0, 0, 0));
            assertThat(listener.retries).singleElement().extracting(RecordingListener.Retry::reason)
                    .isEqualTo("HTTP 503: {\"error\":\"answer lost\"}");
            assertThat(server.answers()).hasSize(320 / 50 + 1 + 1);

            Set<LocalDate> days = tracked.stream().map(e -> BusinessCalendar.UTC.dayOf(e.timestamp()))
                    .collect(Collectors.toSet());
            Assumptions.assumeTrue(days.size() == 1, "the events straddle midnight; unique counts are per day");
            LocalDate day = days.iterator().next();
            Map<String, EntityDay> listings = new HashMap<>();
            reader.forEachEntity(EntityKind.LISTING, day, 100,
                    chunk -> chunk.forEach(entity -> listings.put(entity.entity().id(), entity)));

            assertThat(listings).containsOnlyKeys("listing-0", "listing-1", "listing-2");
            EntityDay first = listings.get("listing-0");
            assertThat(first.counter("total_views")).isEqualTo(100);
            assertThat(first.counter("views_from_home")).isEqualTo(100);
            assertThat(first.counter("logged_in_views")).isEqualTo(50);
            assertThat(first.counter("anonymous_views")).isEqualTo(50);
            assertThat(first.unique("unique_views")).isEqualTo(10);
            assertThat(first.counter("phone_leads")).isEqualTo(20);
            assertThat(first.counter("total_leads")).isEqualTo(20);
            assertThat(first.unique("unique_leads")).isEqualTo(5);
            for (String other : List.of("listing-1", "listing-2")) {
                assertThat(listings.get(other).counter("total_views")).isEqualTo(100);
                assertThat(listings.get(other).counter("total_leads")).isZero();
            }
            assertThat(reader.eventCounts(day)).containsEntry(EventType.PROPERTY_VIEW, 300L)
                    .containsEntry(EventType.LEAD_PHONE, 20L);
        }
    }

    @Test
    void inProcessIngestorSinkKeepsEventsWhileRedisIsDownAndCountsThemOnceItIsBack(TestRedis redis) throws Exception {
        IngestorConfig config = IngestorConfig.builder().keyPrefix(redis.keyPrefix())
                .commandTimeout(Duration.ofMillis(500)).build();
        RecordingListener listener = new RecordingListener();
        try (Ingestor ingestor = Ingestor.connect(redis.uri(), config);
             AnalyticsReader reader = AnalyticsReader.connect(redis.uri(), config)) {
            EventBatcher batcher = EventBatcher.builder()
                    .config(BatcherConfig.builder().flushInterval(Duration.ofHours(1)).maxAttempts(1_000)
                            .backoff(Duration.ofMillis(50), Duration.ofMillis(200)).build())
                    .sink(IngestorSink.ignoringRejections(ingestor::ingest))
                    .listener(listener)
                    .build();
            List<Event> tracked = new ArrayList<>();
            try (batcher) {
                redis.stop();
                try {
                    for (int i = 0; i < 30; i++) {
                        tracked.add(Tracker.of(batcher, "seeker-" + i, false).trackPropertyView("listing-9",
                                ListingSource.SEARCH, null, null));
                    }
                    batcher.flush();
                    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                    while (listener.retries.isEmpty() && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                    assertThat(listener.retries).isNotEmpty();
                    assertThat(batcher.stats().get("ingestor").sent()).isZero();
                } finally {
                    redis.start();
                }
                assertThat(batcher.flush(Duration.ofSeconds(30))).isTrue();
            }

            SinkStats stats = batcher.stats().get("ingestor");
            assertThat(stats.sent()).isEqualTo(30);
            assertThat(stats.failed()).isZero();
            assertThat(stats.dropped()).isZero();
            assertThat(listener.retries).allSatisfy(retry -> assertThat(retry.reason()).contains("Redis"));
            Set<LocalDate> days = tracked.stream().map(e -> BusinessCalendar.UTC.dayOf(e.timestamp()))
                    .collect(Collectors.toSet());
            Assumptions.assumeTrue(days.size() == 1, "the events straddle midnight");
            assertThat(countsOnceReconnected(reader, days.iterator().next())).containsEntry(EventType.PROPERTY_VIEW, 30L);
        }
    }

    /** The reader's connection saw Redis go away too; Lettuce reconnects it in the background, on its own schedule. */
    private static Map<EventType, Long> countsOnceReconnected(AnalyticsReader reader, LocalDate day)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                return reader.eventCounts(day);
            } catch (StoreUnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }
}
