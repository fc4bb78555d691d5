package io.github.iskahomes.analytics.batcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iskahomes.analytics.batcher.TestServer.Answer;
import io.github.iskahomes.analytics.core.Event;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link HttpIngestSink} with several requests in flight (its default): the batcher keeps up to {@code maxInFlight}
 * requests waiting for their answers at once, never more, and still accounts for every event exactly once through
 * retries, 413 halving, rejections and close. {@link EventBatcherTest} covers one request at a time.
 */
class InFlightTest {
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

    private EventBatcher batcher(BatcherConfig.Builder config, Sink sink) {
        EventBatcher batcher = EventBatcher.builder().config(config.build()).listener(listener).sink(sink).build();
        toClose.add(batcher);
        return batcher;
    }

    private static HttpIngestSink.Builder ingest(URI uri, int maxInFlight) {
        return HttpIngestSink.builder(uri).maxInFlight(maxInFlight);
    }

    private static BatcherConfig.Builder config(int flushAt) {
        return BatcherConfig.builder().flushAt(flushAt).flushInterval(LONG)
                .backoff(Duration.ofMillis(10), Duration.ofMillis(50));
    }

    private static List<Event> track(EventBatcher batcher, int count) {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(batcher.track("property_view", "seeker-" + i, Map.of("listing_id", "listing-" + i)));
        }
        return events;
    }

    private static Set<String> uuids(List<Event> events) {
        return events.stream().map(Event::uuid).collect(Collectors.toSet());
    }

    /** Whether any request thread of the sink is still alive once they had time to end (20 s at most). */
    private static boolean requestThreadsAlive() throws InterruptedException {
        long guard = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.isAlive() && t.getName().equals("analytics-batcher-ingest-send"))) {
            if (System.nanoTime() > guard) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }

    @Test
    void keepsMaxInFlightRequestsWaitingAtOnceAndNeverMore() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        toClose.add(release::countDown);
        TestServer server = server(new TestServer(r -> Answer.hangUntil(release)));
        EventBatcher batcher = batcher(config(10), ingest(server.uri("/api/ingest/posthog"), 3).build());

        List<Event> tracked = track(batcher, 60);
        // Three requests reach the server while none is answered: three are in flight at once.
        server.awaitRequests(3);
        release.countDown();
        assertThat(batcher.flush(Duration.ofSeconds(20))).isTrue();

        assertThat(server.requests()).hasSize(6);
        assertThat(server.mostAtOnce()).isEqualTo(3);
        assertThat(uuids(server.accepted())).hasSize(60).isEqualTo(uuids(tracked));
        assertThat(batcher.stats().get("ingest")).isEqualTo(new SinkStats("ingest", 60, 60, 0, 0, 0, 0, 0));
        assertThat(listener.sent).containsOnly(10).hasSize(6);
    }

    @Test
    void eachRequestKeepsItsEventsInOrderAndRequestsStartInOrder() throws Exception {
        TestServer server = server(TestServer.ok());
        EventBatcher batcher = batcher(config(7), ingest(server.uri("/api/ingest/posthog"), 4).build());

        List<Event> tracked = track(batcher, 70);
        assertThat(batcher.flush(Duration.ofSeconds(20))).isTrue();

        // Every request carries a run of 7 consecutive tracked events, and together they are all events once.
        List<String> order = tracked.stream().map(Event::uuid).toList();
        assertThat(server.requests()).hasSize(10).allSatisfy(request -> {
            int first = order.indexOf(request.events().get(0).uuid());
            assertThat(first % 7).isZero();
            assertThat(request.events()).extracting(Event::uuid).containsExactlyElementsOf(order.subList(first, first + 7));
        });
        assertThat(uuids(server.accepted())).isEqualTo(uuids(tracked));
    }

    @Test
    void closeSendsWhatIsQueuedAndWaitsForEveryRequestInFlight() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        toClose.add(release::countDown);
        // Three full requests hang until the close's request for the last five events arrives: close must send that
        // one beside them and then wait for all four answers.
        TestServer server = server(new TestServer(r -> {
            if (r.events().size() == 5) {
                release.countDown();
                return Answer.ok();
            }
            return Answer.hangUntil(release);
        }));
        EventBatcher batcher = batcher(config(10).closeTimeout(Duration.ofSeconds(30)),
                ingest(server.uri("/api/ingest/posthog"), 4).build());

        List<Event> tracked = track(batcher, 35);
        server.awaitRequests(3);
        batcher.close();

        assertThat(batcher.stats().get("ingest")).isEqualTo(new SinkStats("ingest", 35, 35, 0, 0, 0, 0, 0));
        assertThat(server.requests()).extracting(r -> r.events().size()).containsExactlyInAnyOrder(10, 10, 10, 5);
        assertThat(uuids(server.accepted())).isEqualTo(uuids(tracked));
        assertThat(listener.drops).isEmpty();
        assertThat(requestThreadsAlive()).isFalse();
    }

    @Test
    void closeThatGivesUpCountsEveryEventInFlightOrQueuedAsDroppedOnce() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        toClose.add(never::countDown);
        TestServer server = server(new TestServer(r -> Answer.hangUntil(never)));
        EventBatcher batcher = batcher(config(10).closeTimeout(Duration.ofSeconds(1)),
                ingest(server.uri("/api/ingest/posthog"), 4).requestTimeout(Duration.ofMinutes(5)).build());

        // 4 requests in flight, a fifth batch waiting for a free slot, 10 events queued.
        List<Event> tracked = track(batcher, 60);
        server.awaitRequests(4);
        batcher.close();

        SinkStats stats = batcher.stats().get("ingest");
        assertThat(stats).isEqualTo(new SinkStats("ingest", 60, 0, 0, 60, 0, 0, 0));
        assertThat(listener.drops).hasSize(60)
                .allSatisfy(drop -> assertThat(drop.reason()).isEqualTo(DropReason.CLOSE_TIMEOUT));
        assertThat(listener.drops.stream().map(d -> d.event().uuid()).collect(Collectors.toSet()))
                .isEqualTo(uuids(tracked));
        assertThat(requestThreadsAlive()).isFalse();
    }

    @Test
    void retriesHalvingAndRejectionsInFlightLoseNothingAndCountNothingTwice() throws Exception {
        Set<String> failedOnce = ConcurrentHashMap.newKeySet();
        // Each request of 20 is answered 503 the first time and 413 the second; its halves of 10 are taken, with the
        // first event of each rejected as the ingestor would.
        TestServer server = server(new TestServer(r -> {
            if (r.events().size() == 20) {
                return failedOnce.add(r.events().get(0).uuid())
                        ? Answer.status(503, "busy") : Answer.status(413, "too large");
            }
            return Answer.status(200, "{\"ingested\":9,\"rejected\":[{\"index\":0,\"uuid\":\""
                    + r.events().get(0).uuid() + "\",\"reason\":\"listing_id is missing\"}]}");
        }));
        EventBatcher batcher = batcher(config(20), ingest(server.uri("/api/ingest/posthog"), 4).build());

        List<Event> tracked = track(batcher, 100);
        assertThat(batcher.flush(Duration.ofSeconds(20))).isTrue();

        assertThat(batcher.stats().get("ingest")).isEqualTo(new SinkStats("ingest", 100, 90, 100, 0, 0, 10, 0));
        assertThat(server.requests()).hasSize(5 + 5 + 10);
        assertThat(listener.rejections).hasSize(10)
                .allSatisfy(rejection -> assertThat(rejection.reason()).isEqualTo("listing_id is missing"));
        assertThat(uuids(listener.rejections.stream().map(RecordingListener.Rejection::event).toList()))
                .hasSize(10).isSubsetOf(uuids(tracked));
        assertThat(uuids(server.accepted())).isEqualTo(uuids(tracked));
    }

    @Test
    void maxInFlightIsOneToSixtyFour() {
        URI uri = URI.create("http://127.0.0.1:1/api/ingest/posthog");
        assertThatThrownBy(() -> HttpIngestSink.builder(uri).maxInFlight(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxInFlight must be 1 to 64, was 0");
        assertThatThrownBy(() -> HttpIngestSink.builder(uri).maxInFlight(65))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxInFlight must be 1 to 64, was 65");
    }
}
