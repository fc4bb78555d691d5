package io.github.iskahomes.analytics.batcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.github.iskahomes.analytics.core.BusinessCalendar;
import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.EventType;
import io.github.iskahomes.analytics.redis.IngestHandlerConfig;
import io.github.iskahomes.analytics.redis.IngestorConfig;
import io.github.iskahomes.analytics.testing.RedisExtension;
import io.github.iskahomes.analytics.testing.TestRedis;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the HTTP sink does with events the real ingest endpoint cannot take as they are: values with no JSON form,
 * batches above the server's byte limit, and events the server rejects one by one inside its 200 answer. Every test
 * runs the README's path: EventBatcher → HttpIngestSink → HTTP → IngestHandler → Ingestor → a real Redis.
 */
@ExtendWith(RedisExtension.class)
class IngestEndpointTest {
    /** One timestamp for every event of a test, so all of them fall on one day whatever the clock does. */
    private final Instant now = Instant.now();
    private final LocalDate today = BusinessCalendar.UTC.dayOf(now);
    private final RecordingListener listener = new RecordingListener();

    private EventBatcher batcher;

    /**
     * Tracks {@code events} through a batcher with the default settings and the default {@link HttpIngestSink}
     * posting to {@code server}, as one batch (only flush() sends), and closes it.
     *
     * @return the events as tracked, with their uuids
     */
    private List<Event> deliver(IngestServer server, List<Event> events) throws InterruptedException {
        EventBatcher sending = EventBatcher.builder()
                .config(BatcherConfig.builder().flushInterval(Duration.ofHours(1)).build())
                .sink(HttpIngestSink.builder(server.uri()).build())
                .listener(listener)
                .build();
        batcher = sending;
        List<Event> tracked = new ArrayList<>();
        try (sending) {
            for (Event event : events) {
                tracked.add(sending.track(event));
            }
            assertThat(sending.flush(Duration.ofSeconds(60))).isTrue();
        }
        return tracked;
    }

    private SinkStats stats() {
        return batcher.stats().get("ingest");
    }

    /** Redis counted each of the {@code count} views once, the batcher counted them sent, and nothing failed. */
    private void assertEveryEventArrivedOnce(IngestServer server, int count) {
        assertThat(server.counted(today)).containsEntry(EventType.PROPERTY_VIEW, (long) count);
        assertThat(stats()).isEqualTo(new SinkStats("ingest", count, count, 0, 0, 0, 0, 0));
        assertThat(listener.failures).isEmpty();
        assertThat(listener.retries).isEmpty();
    }

    private static IngestorConfig config(TestRedis redis) {
        return IngestorConfig.builder().keyPrefix(redis.keyPrefix()).build();
    }

    /** {@code count} views, the i-th with the properties {@code extra.apply(i)}. */
    private List<Event> views(int count, java.util.function.IntFunction<Map<String, Object>> extra) {
        List<Event> views = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            views.add(view(i, extra.apply(i)));
        }
        return views;
    }

    private Event view(int i, Map<String, Object> extra) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("listing_id", "listing-" + (i % 7));
        properties.put("viewed_from", "search");
        properties.putAll(extra);
        return new Event("property_view", "seeker-" + i, now, null, properties);
    }

    /** Text that gzip cannot shrink much, as real descriptions and free text are not runs of one letter. */
    private static String text(int length, long seed) {
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder(length);
        while (text.length() < length) {
            text.append((char) ('a' + random.nextInt(26)));
            if (random.nextInt(7) == 0) {
                text.append(' ');
            }
        }
        return text.substring(0, length);
    }

    /** The {@code ingested} count of an answer, 0 for an answer that is not a 200. */
    private static int ingested(IngestServer.Answered answer) {
        return answer.status() == 200 ? Integer.parseInt(answer.body().replaceAll(".*\"ingested\":(\\d+).*", "$1")) : 0;
    }

    private static List<String> uuids(List<Event> events) {
        return events.stream().map(Event::uuid).toList();
    }

    @Test
    void anEventWithAValueThatHasNoJsonFormFailsAloneAndTheRestArriveOnTheFirstAttempt(TestRedis redis)
            throws Exception {
        try (IngestServer server = new IngestServer(redis)) {
            List<Event> tracked = deliver(server, views(10, i -> i == 4 ? Map.of("seen_at", now) : Map.of()));

            Event poison = tracked.get(4);
            // One request, answered 200, carrying the nine others: no attempt was spent on the poison event.
            assertThat(server.statuses()).containsExactly(200);
            assertThat(server.answers().get(0).body()).contains("\"ingested\":9");
            assertThat(server.counted(today)).containsEntry(EventType.PROPERTY_VIEW, 9L);
            assertThat(listener.failures).singleElement().satisfies(failure -> {
                assertThat(uuids(failure.events())).containsExactly(poison.uuid());
                assertThat(failure.reason()).isEqualTo("property \"seen_at\" holds a java.time.Instant, which cannot"
                        + " be written as JSON; send a string, number, boolean, list or map instead");
            });
            assertThat(listener.retries).isEmpty();
            // Reported before the others were sent, and nothing waited for a backoff in between.
            assertThat(listener.calls).containsExactly("failed 1", "sent 9");
            assertThat(stats()).isEqualTo(new SinkStats("ingest", 10, 9, 0, 0, 1, 0, 0));
        }
    }

    @Test
    void twoHundredEventsOfThirtyTwoKibibytesAllArriveInSeveralRequestsUnderTheDefaultLimits(TestRedis redis)
            throws Exception {
        try (IngestServer server = new IngestServer(redis)) {
            // Each event is just under the ingestor's 32 KiB of properties: valid, and 200 of them exceed 5 MiB.
            deliver(server, views(200, i -> Map.of("description", text(32_000, i))));

            // About 32.1 KB of JSON each: 32 fit in the default 1 MiB, so 200 take 7 requests, none refused; up to 4
            // are in flight at once, so they may be answered in any order.
            assertThat(server.statuses()).containsExactly(200, 200, 200, 200, 200, 200, 200);
            assertThat(server.answers()).extracting(IngestEndpointTest::ingested)
                    .containsExactlyInAnyOrder(32, 32, 32, 32, 32, 32, 8);
            assertEveryEventArrivedOnce(server, 200);
        }
    }

    @Test
    void aServerWithALowerLimitAnswers413AndTheHalvesAreSentUntilEverythingArrives(TestRedis redis)
            throws Exception {
        try (IngestServer server = new IngestServer(redis, config(redis),
                IngestHandlerConfig.builder().maxBodyBytes(200 * 1024).build())) {
            // About 490 KB: under the batcher's bound, over the server's 200 KiB.
            deliver(server, views(60, i -> Map.of("description", text(8_000, i))));

            // 60 → 413; 30 → 413; 15 + 15 → 200, 200; the other 30 the same way.
            assertThat(server.statuses()).containsExactly(413, 413, 200, 200, 413, 200, 200);
            assertThat(server.answers()).extracting(IngestEndpointTest::ingested)
                    .containsExactly(0, 0, 15, 15, 0, 15, 15);
            assertEveryEventArrivedOnce(server, 60);
        }
    }

    @Test
    void anEventLargerThanTheServersLimitFailsWithTheServersReasonAndTheOthersArrive(TestRedis redis)
            throws Exception {
        IngestorConfig config = config(redis).toBuilder().maxPropertiesBytes(1024 * 1024).build();
        try (IngestServer server = new IngestServer(redis, config,
                IngestHandlerConfig.builder().maxBodyBytes(64 * 1024).build())) {
            List<Event> tracked = deliver(server,
                    views(21, i -> i == 10 ? Map.of("description", text(100_000, i)) : Map.of()));

            Event large = tracked.get(10);
            assertThat(listener.failures).singleElement().satisfies(failure -> {
                assertThat(uuids(failure.events())).containsExactly(large.uuid());
                assertThat(failure.reason()).startsWith("HTTP 413: ").contains("65536");
            });
            assertThat(server.counted(today)).containsEntry(EventType.PROPERTY_VIEW, 20L);
            assertThat(stats()).isEqualTo(new SinkStats("ingest", 21, 20, 0, 0, 1, 0, 0));
            assertThat(listener.retries).isEmpty();
        }
    }

    @Test
    void eventsTheServerRejectsInItsAnswerAreCountedAsRejectedWithTheServersReason(TestRedis redis)
            throws Exception {
        List<Event> events = views(10, i -> Map.of());
        for (int i : new int[] {3, 7}) {
            Map<String, Object> properties = new LinkedHashMap<>(events.get(i).properties());
            properties.remove("listing_id");
            events.set(i, new Event("property_view", "seeker-" + i, now, null, properties));
        }
        try (IngestServer server = new IngestServer(redis)) {
            List<Event> tracked = deliver(server, events);

            assertThat(server.statuses()).containsExactly(200);
            assertThat(server.counted(today)).containsEntry(EventType.PROPERTY_VIEW, 8L);
            assertThat(stats()).isEqualTo(new SinkStats("ingest", 10, 8, 0, 0, 0, 2, 0));
            assertThat(listener.rejections).extracting(r -> r.event().uuid(), RecordingListener.Rejection::reason)
                    .containsExactly(tuple(tracked.get(3).uuid(), "listing_id is missing"),
                            tuple(tracked.get(7).uuid(), "listing_id is missing"));
            // A rejection is final: nothing is sent again.
            assertThat(listener.calls).containsExactly("rejected", "rejected", "sent 8");
            assertThat(listener.retries).isEmpty();
        }
    }
}
