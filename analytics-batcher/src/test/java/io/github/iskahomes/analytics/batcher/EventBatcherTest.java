package io.github.iskahomes.analytics.batcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iskahomes.analytics.batcher.TestServer.Answer;
import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.internal.EventJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventBatcherTest {
    private static final Duration LONG = Duration.ofHours(1);

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final RecordingListener listener = new RecordingListener();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private TestServer server(TestServer server) {
        toClose.add(server);
        return server;
    }

    private EventBatcher batcher(BatcherConfig.Builder config, Sink... sinks) {
        EventBatcher.Builder builder = EventBatcher.builder().config(config.build()).listener(listener);
        for (Sink sink : sinks) {
            builder.sink(sink);
        }
        EventBatcher batcher = builder.build();
        toClose.add(batcher);
        return batcher;
    }

    /**
     * One request at a time, so this class can check the strict order of requests and attempts; {@link InFlightTest}
     * checks the default of several requests in flight.
     */
    private static HttpIngestSink ingest(TestServer server) {
        return HttpIngestSink.builder(server.uri("/api/ingest/posthog")).maxInFlight(1).build();
    }

    /** Quick retries, so that tests of retrying stay fast. */
    private static BatcherConfig.Builder config(int flushAt, Duration interval) {
        return BatcherConfig.builder().flushAt(flushAt).flushInterval(interval)
                .backoff(Duration.ofMillis(10), Duration.ofMillis(50));
    }

    private static List<Event> track(EventBatcher batcher, int count) {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(batcher.track("property_view", "seeker-" + i, Map.of("listing_id", "listing-" + i)));
        }
        return events;
    }

    private static List<String> uuids(List<Event> events) {
        return events.stream().map(Event::uuid).toList();
    }

    @Test
    void sendsAFullBatchAtFlushAtAndTheRestOnClose() throws Exception {
        TestServer server = server(TestServer.ok());
        EventBatcher batcher = batcher(config(5, LONG), ingest(server));

        List<Event> tracked = track(batcher, 12);
        List<TestServer.Received> requests = server.awaitRequests(2);
        assertThat(requests).extracting(r -> r.events().size()).containsExactly(5, 5);
        assertThat(server.requests()).hasSize(2);

        batcher.close();
        assertThat(server.requests()).extracting(r -> r.events().size()).containsExactly(5, 5, 2);
        assertThat(uuids(server.accepted())).containsExactlyElementsOf(uuids(tracked));
        assertThat(batcher.stats().get("ingest")).isEqualTo(new SinkStats("ingest", 12, 12, 0, 0, 0, 0, 0));
    }

    @Test
    void sendsWhatIsQueuedWhenTheIntervalPasses() throws Exception {
        TestServer server = server(TestServer.ok());
        EventBatcher batcher = batcher(config(200, Duration.ofMillis(200)), ingest(server));

        List<Event> tracked = track(batcher, 3);

        assertThat(uuids(server.awaitAccepted(3))).containsExactlyElementsOf(uuids(tracked));
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void flushSendsAtOnceAndWaitsForTheAnswer() throws Exception {
        TestServer server = server(TestServer.ok());
        EventBatcher batcher = batcher(config(200, LONG), ingest(server));

        List<Event> tracked = track(batcher, 3);
        assertThat(batcher.flush(Duration.ofSeconds(20))).isTrue();

        assertThat(uuids(server.accepted())).containsExactlyElementsOf(uuids(tracked));
        assertThat(batcher.stats().get("ingest").sent()).isEqualTo(3);
        assertThat(listener.sent).containsExactly(3);
    }

    @Test
    void closeDeliversEverythingQueued() throws Exception {
        TestServer server = server(TestServer.ok());
        EventBatcher batcher = batcher(config(200, LONG), ingest(server));

        List<Event> tracked = track(batcher, 450);
        batcher.close();

        assertThat(uuids(server.accepted())).containsExactlyElementsOf(uuids(tracked));
        assertThat(server.requests()).extracting(r -> r.events().size()).containsExactly(200, 200, 50);
    }

    @Test
    void stampsEveryEventWithAUuidAndTimestampAtTrackTime() {
        TestServer server = server(TestServer.ok());
        EventBatcher batcher = batcher(config(200, LONG), ingest(server));

        java.time.Instant before = java.time.Instant.now();
        Event stamped = batcher.track(new Event("property_view", "seeker-1", null, null,
                Map.of("listing_id", "listing-1")));
        Event kept = batcher.track(new Event("property_view", "seeker-1", before, "given-uuid",
                Map.of("listing_id", "listing-1")));
        List<Event> many = track(batcher, 1000);

        assertThat(stamped.timestamp()).isBetween(before, java.time.Instant.now());
        assertThat(UUID.fromString(stamped.uuid()).version()).isEqualTo(7);
        assertThat(kept.uuid()).isEqualTo("given-uuid");
        assertThat(kept.timestamp()).isEqualTo(before);
        assertThat(uuids(many)).doesNotHaveDuplicates();
    }

    @Test
    void losesNothingAcrossAServerThatFailsTheFirstRequests() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        TestServer server = server(new TestServer(r -> calls.incrementAndGet() <= 4
                ? Answer.status(503, "transient error, please retry") : Answer.ok()));
        EventBatcher batcher = batcher(config(10, LONG), ingest(server));

        List<Event> tracked = track(batcher, 50);
        assertThat(batcher.flush(Duration.ofSeconds(20))).isTrue();

        // Every event arrived exactly once in an accepted request, in the order tracked.
        assertThat(uuids(server.accepted())).containsExactlyElementsOf(uuids(tracked));
        assertThat(server.requests()).hasSize(5 + 4);
        SinkStats stats = batcher.stats().get("ingest");
        assertThat(stats.sent()).isEqualTo(50);
        assertThat(stats.retried()).isEqualTo(40);
        assertThat(stats.failed()).isZero();
        assertThat(listener.retries).hasSize(4)
                .allSatisfy(retry -> assertThat(retry.reason()).isEqualTo("HTTP 503: transient error, please retry"));
        assertThat(listener.retries).extracting(RecordingListener.Retry::attempt).containsExactly(1, 2, 3, 4);
    }

    @Test
    void nothingIsSentTwiceAfterASuccess() throws Exception {
        TestServer server = server(TestServer.ok());
        EventBatcher batcher = batcher(config(7, LONG), ingest(server));

        List<Event> tracked = track(batcher, 100);
        assertThat(batcher.flush(Duration.ofSeconds(20))).isTrue();
        batcher.close();

        assertThat(server.requests().stream().mapToInt(r -> r.events().size()).sum()).isEqualTo(100);
        assertThat(uuids(server.accepted())).containsExactlyElementsOf(uuids(tracked));
    }

    @Test
    void honoursRetryAfterOn429() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        TestServer server = server(new TestServer(r -> calls.incrementAndGet() == 1
                ? new Answer(429, "rate limited", "1", null) : Answer.ok()));
        EventBatcher batcher = batcher(config(200, LONG), ingest(server));

        track(batcher, 2);
        assertThat(batcher.flush(Duration.ofSeconds(20))).isTrue();

        List<TestServer.Received> requests = server.requests();
        assertThat(requests).hasSize(2);
        assertThat(Duration.ofNanos(requests.get(1).receivedNanos() - requests.get(0).receivedNanos()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(listener.retries).singleElement().satisfies(retry -> {
            assertThat(retry.delay()).isEqualTo(Duration.ofSeconds(1));
            assertThat(retry.reason()).isEqualTo("HTTP 429: rate limited");
        });
    }

    @Test
    void aRefusedBatchIsNotRetriedAndItsEventsFailWithTheServersReason() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        TestServer server = server(new TestServer(r -> calls.incrementAndGet() == 1
                ? Answer.status(400, "{\"error\":\"malformed JSON: unexpected end\"}") : Answer.ok()));
        EventBatcher batcher = batcher(config(5, LONG), ingest(server));

        List<Event> tracked = track(batcher, 10);
        assertThat(batcher.flush(Duration.ofSeconds(20))).isTrue();

        assertThat(server.requests()).hasSize(2);
        assertThat(listener.failures).singleElement().satisfies(failure -> {
            assertThat(failure.reason()).isEqualTo("HTTP 400: {\"error\":\"malformed JSON: unexpected end\"}");
            assertThat(uuids(failure.events())).containsExactlyElementsOf(uuids(tracked.subList(0, 5)));
        });
        assertThat(uuids(server.accepted())).containsExactlyElementsOf(uuids(tracked.subList(5, 10)));
        assertThat(batcher.stats().get("ingest")).isEqualTo(new SinkStats("ingest", 10, 5, 0, 0, 5, 0, 0));
    }

    @Test
    void givesUpAfterMaxAttempts() throws Exception {
        TestServer server = server(new TestServer(r -> Answer.status(500, "boom")));
        EventBatcher batcher = batcher(config(200, LONG).maxAttempts(3), ingest(server));

        track(batcher, 4);
        assertThat(batcher.flush(Duration.ofSeconds(20))).isTrue();

        assertThat(server.requests()).hasSize(3);
        assertThat(listener.failures).singleElement().extracting(RecordingListener.Failure::reason)
                .isEqualTo("gave up after 3 attempts; last error: HTTP 500: boom");
        assertThat(batcher.stats().get("ingest")).isEqualTo(new SinkStats("ingest", 4, 0, 8, 0, 4, 0, 0));
    }

    @Test
    void dropNewestKeepsTheQueuedEventsAndCountsEveryDrop() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        TestServer server = server(new TestServer(r -> calls.incrementAndGet() == 1 ? Answer.hangUntil(release)
                : Answer.ok()));
        EventBatcher batcher = batcher(config(5, LONG).maxQueueSize(20), ingest(server));

        List<Event> inFlight = track(batcher, 5);
        server.awaitRequests(1);
        List<Event> more = track(batcher, 100);

        assertThat(listener.drops).hasSize(80)
                .allSatisfy(drop -> assertThat(drop.reason()).isEqualTo(DropReason.QUEUE_FULL));
        assertThat(uuids(listener.drops.stream().map(RecordingListener.Drop::event).toList()))
                .containsExactlyElementsOf(uuids(more.subList(20, 100)));
        release.countDown();
        batcher.close();

        List<Event> expected = new ArrayList<>(inFlight);
        expected.addAll(more.subList(0, 20));
        assertThat(uuids(server.accepted())).containsExactlyElementsOf(uuids(expected));
        assertThat(batcher.stats().get("ingest")).isEqualTo(new SinkStats("ingest", 105, 25, 0, 80, 0, 0, 0));
    }

    @Test
    void dropOldestKeepsTheNewestEvents() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        TestServer server = server(new TestServer(r -> calls.incrementAndGet() == 1 ? Answer.hangUntil(release)
                : Answer.ok()));
        EventBatcher batcher = batcher(config(5, LONG).maxQueueSize(20).dropPolicy(DropPolicy.DROP_OLDEST),
                ingest(server));

        List<Event> inFlight = track(batcher, 5);
        server.awaitRequests(1);
        List<Event> more = track(batcher, 100);

        assertThat(uuids(listener.drops.stream().map(RecordingListener.Drop::event).toList()))
                .containsExactlyElementsOf(uuids(more.subList(0, 80)));
        release.countDown();
        batcher.close();

        List<Event> expected = new ArrayList<>(inFlight);
        expected.addAll(more.subList(80, 100));
        assertThat(uuids(server.accepted())).containsExactlyElementsOf(uuids(expected));
        assertThat(batcher.stats().get("ingest")).isEqualTo(new SinkStats("ingest", 105, 25, 0, 80, 0, 0, 0));
    }

    @Test
    void aDeadBackendFillsTheQueueToItsBoundAndEveryEventIsAccountedFor() throws Exception {
        BatcherConfig.Builder config = config(10, LONG).maxQueueSize(50).maxAttempts(1_000)
                .closeTimeout(Duration.ofMillis(300));
        EventBatcher batcher = batcher(config,
                HttpIngestSink.builder(TestServer.deadUri()).connectTimeout(Duration.ofSeconds(1)).build());

        track(batcher, 500);

        SinkStats stats = batcher.stats().get("ingest");
        assertThat(stats.enqueued()).isEqualTo(500);
        // The queue's 50, plus what is out of it: up to 4 requests of 10 in flight and one batch waiting for a slot.
        assertThat(stats.pending()).isBetween(50L, 50L + (HttpIngestSink.DEFAULT_MAX_IN_FLIGHT + 1) * 10L);
        assertThat(stats.dropped()).isEqualTo(500 - stats.pending());
        assertThat(listener.drops).hasSize((int) stats.dropped())
                .allSatisfy(drop -> assertThat(drop.reason()).isEqualTo(DropReason.QUEUE_FULL));

        batcher.close();

        SinkStats closed = batcher.stats().get("ingest");
        assertThat(closed.sent()).isZero();
        assertThat(closed.dropped()).isEqualTo(500);
        assertThat(listener.drops.stream().filter(d -> d.reason() == DropReason.CLOSE_TIMEOUT).count())
                .isEqualTo(stats.pending());
    }

    @Test
    void closeReturnsWithinItsTimeoutWhileTheServerHangs() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        toClose.add(never::countDown);
        TestServer server = server(new TestServer(r -> Answer.hangUntil(never)));
        EventBatcher batcher = batcher(config(200, LONG).closeTimeout(Duration.ofSeconds(1)),
                HttpIngestSink.builder(server.uri("/api/ingest/posthog")).requestTimeout(Duration.ofMinutes(5)).build());

        track(batcher, 3);
        batcher.flush();
        server.awaitRequests(1);
        long start = System.nanoTime();
        batcher.close();
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        // Within its timeout; the slack above it only absorbs scheduling delays on a loaded machine.
        assertThat(took).isBetween(Duration.ofMillis(700), Duration.ofMillis(1_300));
        assertThat(listener.drops).hasSize(3)
                .allSatisfy(drop -> assertThat(drop.reason()).isEqualTo(DropReason.CLOSE_TIMEOUT));
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("analytics-batcher-ingest"));
    }

    @Test
    void aSlowPostHogDoesNotDelayTheIngestSink() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        toClose.add(release::countDown);
        TestServer ingestServer = server(TestServer.ok());
        TestServer posthogServer = server(new TestServer(r -> Answer.hangUntil(release)));
        EventBatcher batcher = batcher(config(10, LONG),
                ingest(ingestServer),
                PostHogSink.builder("phc_test").host(posthogServer.uri("")).requestTimeout(Duration.ofMinutes(5)).build());

        List<Event> first = track(batcher, 10);
        posthogServer.awaitRequests(1);
        List<Event> second = track(batcher, 30);

        List<Event> all = new ArrayList<>(first);
        all.addAll(second);
        assertThat(uuids(ingestServer.awaitAccepted(40))).containsExactlyElementsOf(uuids(all));
        assertThat(posthogServer.accepted()).isEmpty();
        assertThat(release.getCount()).isEqualTo(1);

        release.countDown();
        assertThat(uuids(posthogServer.awaitAccepted(40))).containsExactlyElementsOf(uuids(all));
    }

    @Test
    void postHogGetsItsBatchFormatWithTheSameUuids() throws Exception {
        TestServer ingestServer = server(TestServer.ok());
        TestServer posthogServer = server(TestServer.ok());
        EventBatcher batcher = batcher(config(200, LONG), ingest(ingestServer),
                PostHogSink.builder("phc_test_key").host(posthogServer.uri("")).gzip(false).build());

        Map<String, Object> properties = new java.util.LinkedHashMap<>();
        properties.put("listing_id", "listing-123");
        properties.put("is_logged_in", true);
        Event tracked = batcher.track("property_view", "seeker-456", properties);
        assertThat(batcher.flush(Duration.ofSeconds(20))).isTrue();

        TestServer.Received request = posthogServer.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/batch/");
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertThat(request.header("Content-Encoding")).isNull();
        assertThat(request.json()).isEqualTo("{\"api_key\":\"phc_test_key\",\"batch\":[{\"event\":\"property_view\","
                + "\"distinct_id\":\"seeker-456\",\"timestamp\":\"" + tracked.timestamp() + "\",\"uuid\":\""
                + tracked.uuid() + "\",\"properties\":{\"listing_id\":\"listing-123\",\"is_logged_in\":true}}]}");
        assertThat(ingestServer.accepted()).singleElement().extracting(Event::uuid).isEqualTo(tracked.uuid());
    }

    @Test
    void ingestBodiesAreGzippedAndCarryTheSecret() throws Exception {
        TestServer server = server(TestServer.ok());
        EventBatcher batcher = batcher(config(200, LONG), HttpIngestSink.builder(server.uri("/api/ingest/posthog"))
                .secret("s3cret").build());

        Event tracked = batcher.track("property_view", "seeker-1", Map.of("listing_id", "listing-1"));
        assertThat(batcher.flush(Duration.ofSeconds(20))).isTrue();

        TestServer.Received request = server.requests().get(0);
        assertThat(request.path()).isEqualTo("/api/ingest/posthog");
        assertThat(request.header("Content-Encoding")).isEqualTo("gzip");
        assertThat(request.header(HttpIngestSink.DEFAULT_SECRET_HEADER)).isEqualTo("s3cret");
        assertThat(request.rawBody()[0] & 0xff).isEqualTo(0x1f);
        assertThat(request.rawBody()[1] & 0xff).isEqualTo(0x8b);
        assertThat(request.json()).startsWith("{\"events\":[{\"event\":\"property_view\"")
                .contains("\"uuid\":\"" + tracked.uuid() + "\"");
    }

    @Test
    void plainBodiesWhenGzipIsOff() throws Exception {
        TestServer server = server(TestServer.ok());
        EventBatcher batcher = batcher(config(200, LONG), HttpIngestSink.builder(server.uri("/ingest"))
                .gzip(false).build());

        batcher.track("property_view", "seeker-1", Map.of("listing_id", "listing-1"));
        assertThat(batcher.flush(Duration.ofSeconds(20))).isTrue();

        TestServer.Received request = server.requests().get(0);
        assertThat(request.header("Content-Encoding")).isNull();
        assertThat(request.header(HttpIngestSink.DEFAULT_SECRET_HEADER)).isNull();
        assertThat(new String(request.rawBody(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(request.json());
    }

    @Test
    void anEventLargerThanARequestMayBeFailsWithoutBeingSentAndTheOthersGoOut() throws Exception {
        TestServer server = server(TestServer.ok());
        EventBatcher batcher = batcher(config(200, LONG),
                HttpIngestSink.builder(server.uri("/api/ingest/posthog")).maxRequestBytes(4096).build());

        Event before = batcher.track("property_view", "seeker-1", Map.of("listing_id", "listing-1"));
        Event large = batcher.track("property_view", "seeker-2", Map.of("listing_id", "listing-2",
                "description", "x".repeat(5_000)));
        Event after = batcher.track("property_view", "seeker-3", Map.of("listing_id", "listing-3"));
        assertThat(batcher.flush(Duration.ofSeconds(20))).isTrue();

        int size = EventJson.encode(large).getBytes(StandardCharsets.UTF_8).length;
        assertThat(listener.failures).singleElement().satisfies(failure -> {
            assertThat(uuids(failure.events())).containsExactly(large.uuid());
            assertThat(failure.reason()).isEqualTo("the event is " + size + " bytes of JSON; a request to sink"
                    + " 'ingest' carries at most 4096 (maxRequestBytes)");
        });
        assertThat(server.requests()).singleElement().satisfies(request ->
                assertThat(uuids(request.events())).containsExactly(before.uuid(), after.uuid()));
        assertThat(listener.calls).containsExactly("failed 1", "sent 2");
        assertThat(batcher.stats().get("ingest")).isEqualTo(new SinkStats("ingest", 3, 2, 0, 0, 1, 0, 0));
    }

    @Test
    void bothHttpSinksKeepEveryRequestUnderMaxRequestBytesAndTheOrderOfEvents() throws Exception {
        TestServer ingestServer = server(TestServer.ok());
        TestServer posthogServer = server(TestServer.ok());
        EventBatcher batcher = batcher(config(200, LONG),
                HttpIngestSink.builder(ingestServer.uri("/api/ingest/posthog")).maxRequestBytes(2048).maxInFlight(1)
                        .build(),
                PostHogSink.builder("phc_test").host(posthogServer.uri("")).maxRequestBytes(2048).build());

        List<Event> tracked = track(batcher, 40);
        assertThat(batcher.flush(Duration.ofSeconds(20))).isTrue();

        for (TestServer server : List.of(ingestServer, posthogServer)) {
            assertThat(server.requests()).hasSizeGreaterThan(1).allSatisfy(request ->
                    assertThat(request.json().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(2048));
            assertThat(uuids(server.accepted())).containsExactlyElementsOf(uuids(tracked));
        }
        assertThat(batcher.stats().values()).extracting(SinkStats::sent).containsExactly(40L, 40L);
    }

    @Test
    void aRequestAnswered413IsSentAgainInHalvesUntilItIsTaken() throws Exception {
        TestServer posthogServer = server(new TestServer(r -> r.events().size() > 3
                ? Answer.status(413, "{\"error\":\"payload too large\"}") : Answer.ok()));
        EventBatcher batcher = batcher(config(200, LONG),
                PostHogSink.builder("phc_test").host(posthogServer.uri("")).build());

        List<Event> tracked = track(batcher, 10);
        assertThat(batcher.flush(Duration.ofSeconds(20))).isTrue();

        // 10 → 5 + 5 → (2 + 3) + (2 + 3): each half at once, in order, no retry delay.
        assertThat(posthogServer.requests()).extracting(r -> r.events().size()).containsExactly(10, 5, 2, 3, 5, 2, 3);
        assertThat(uuids(posthogServer.accepted())).containsExactlyElementsOf(uuids(tracked));
        assertThat(listener.retries).isEmpty();
        assertThat(listener.failures).isEmpty();
        assertThat(batcher.stats().get("posthog")).isEqualTo(new SinkStats("posthog", 10, 10, 0, 0, 0, 0, 0));
    }

    @Test
    void aNestedValueWithNoJsonFormIsNamedByItsPathAndNeverSent() throws Exception {
        TestServer server = server(TestServer.ok());
        EventBatcher batcher = batcher(config(200, LONG), ingest(server));

        Event good = batcher.track("property_view", "seeker-1", Map.of("listing_id", "listing-1"));
        Event bad = batcher.track("property_view", "seeker-2", Map.of("listing_id", "listing-2",
                "meta", Map.of("when", List.of(1, java.time.LocalDate.of(2025, 1, 15)))));
        assertThat(batcher.flush(Duration.ofSeconds(20))).isTrue();

        assertThat(listener.failures).singleElement().satisfies(failure -> {
            assertThat(uuids(failure.events())).containsExactly(bad.uuid());
            assertThat(failure.reason()).isEqualTo("property \"meta.when[1]\" holds a java.time.LocalDate, which"
                    + " cannot be written as JSON; send a string, number, boolean, list or map instead");
        });
        assertThat(uuids(server.accepted())).containsExactly(good.uuid());
        assertThat(server.requests()).hasSize(1);
        assertThat(listener.retries).isEmpty();
    }

    @Test
    void anHttpSinkCalledDirectlyRefusesABatchItCannotEncodeOrThatIsTooLarge() throws Exception {
        TestServer server = server(TestServer.ok());
        HttpIngestSink sink = HttpIngestSink.builder(server.uri("/api/ingest/posthog")).maxRequestBytes(1024).build();
        toClose.add(sink);
        Event poison = Event.create("property_view", "seeker-1", Map.of("seen_at", java.time.Instant.EPOCH));
        Event large = Event.create("property_view", "seeker-1", Map.of("description", "x".repeat(2_000)));

        assertThat(sink.send(List.of(poison))).isEqualTo(SendResult.rejected("property \"seen_at\" holds a"
                + " java.time.Instant, which cannot be written as JSON; send a string, number, boolean, list or map"
                + " instead"));
        assertThat(sink.send(List.of(large))).isInstanceOf(SendResult.TooLarge.class)
                .extracting(r -> ((SendResult.TooLarge) r).reason()).asString()
                .endsWith(" bytes of JSON; a request to sink 'ingest' carries at most 1024 (maxRequestBytes)");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void eventsTrackedAfterCloseAreDroppedAndCounted() {
        TestServer server = server(TestServer.ok());
        EventBatcher batcher = batcher(config(200, LONG), ingest(server));
        batcher.close();
        batcher.close();

        Event late = batcher.track("property_view", "seeker-1", Map.of("listing_id", "listing-1"));

        assertThat(listener.drops).containsExactly(new RecordingListener.Drop("ingest", late, DropReason.BATCHER_CLOSED));
        assertThat(batcher.stats().get("ingest")).isEqualTo(new SinkStats("ingest", 1, 0, 0, 1, 0, 0, 0));
    }

    @Test
    void aListenerThatThrowsDoesNotStopDelivery() throws Exception {
        TestServer server = server(TestServer.ok());
        EventBatcher batcher = EventBatcher.builder().config(config(2, LONG).build()).sink(ingest(server))
                .listener(new BatcherListener() {
                    @Override
                    public void onSent(String sink, int count) {
                        throw new IllegalStateException("listener bug");
                    }
                }).build();
        toClose.add(batcher);

        List<Event> tracked = track(batcher, 6);

        assertThat(uuids(server.awaitAccepted(6))).containsExactlyElementsOf(uuids(tracked));
    }

    @Test
    void ingestorSinkRetriesWhileTheStoreIsUnavailable() throws Exception {
        List<Event> ingested = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        IngestorSink sink = IngestorSink.ignoringRejections(events -> {
            if (calls.incrementAndGet() <= 2) {
                throw new io.github.iskahomes.analytics.core.StoreUnavailableException("Redis at redis://127.0.0.1:1",
                        "connection refused", null);
            }
            ingested.addAll(events);
        });
        EventBatcher batcher = batcher(config(200, LONG), sink);

        List<Event> tracked = track(batcher, 5);
        assertThat(batcher.flush(Duration.ofSeconds(20))).isTrue();

        assertThat(uuids(ingested)).containsExactlyElementsOf(uuids(tracked));
        assertThat(listener.retries).extracting(RecordingListener.Retry::reason)
                .containsExactly("Redis at redis://127.0.0.1:1 is unavailable: connection refused",
                        "Redis at redis://127.0.0.1:1 is unavailable: connection refused");
        assertThat(batcher.stats().get("ingestor")).isEqualTo(new SinkStats("ingestor", 5, 5, 10, 0, 0, 0, 0));
    }

    @Test
    void buildRefusesNoSinksAndDuplicateNames() {
        TestServer server = server(TestServer.ok());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EventBatcher.builder().build())
                .isInstanceOf(IllegalStateException.class).hasMessage("an EventBatcher needs at least one sink");
        HttpIngestSink a = ingest(server);
        HttpIngestSink b = ingest(server);
        toClose.add(a);
        toClose.add(b);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EventBatcher.builder().sink(a).sink(b).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("two sinks are named 'ingest'; give each a unique name");
    }

    @Test
    void configRejectsValuesOutOfRange() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BatcherConfig.builder().maxQueueSize(10).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxQueueSize must be at least flushAt (200), was 10");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BatcherConfig.builder().flushAt(0).build())
                .hasMessage("flushAt must be at least 1, was 0");
        BatcherConfig defaults = BatcherConfig.defaults();
        assertThat(defaults.flushAt()).isEqualTo(200);
        assertThat(defaults.flushInterval()).isEqualTo(Duration.ofSeconds(3));
        assertThat(defaults.maxQueueSize()).isEqualTo(10_000);
        assertThat(defaults.dropPolicy()).isEqualTo(DropPolicy.DROP_NEWEST);
        assertThat(defaults.shutdownHook()).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BatcherConfig.builder()
                        .backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("backoffMax (PT1S) must not be shorter than backoffBase (PT2S)");
    }

    @Test
    void configBuilderChecksTheValuesTogetherAndToBuilderKeepsTheOthers() {
        // flushAt above the default queue bound is fine when the bound is raised later in the same builder.
        BatcherConfig config = BatcherConfig.builder().flushAt(20_000).maxQueueSize(50_000)
                .dropPolicy(DropPolicy.DROP_OLDEST).shutdownHook(true).build();
        BatcherConfig patient = config.toBuilder().maxAttempts(100)
                .backoff(Duration.ofMillis(50), Duration.ofSeconds(1)).build();

        assertThat(patient).isEqualTo(new BatcherConfig(20_000, Duration.ofSeconds(3), 50_000, DropPolicy.DROP_OLDEST,
                Duration.ofSeconds(5), 100, Duration.ofMillis(50), Duration.ofSeconds(1), true));
        assertThat(config.maxAttempts()).isEqualTo(10);
        assertThat(BatcherConfig.defaults().toBuilder().build()).isEqualTo(BatcherConfig.defaults());
    }
}
