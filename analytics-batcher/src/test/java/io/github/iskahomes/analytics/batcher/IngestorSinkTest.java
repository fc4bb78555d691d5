package io.github.iskahomes.analytics.batcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.redis.IngestResult;
import io.github.iskahomes.analytics.redis.Ingestor;
import io.github.iskahomes.analytics.redis.IngestorConfig;
import io.github.iskahomes.analytics.testing.RedisExtension;
import io.github.iskahomes.analytics.testing.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link IngestorSink} in front of a real {@link Ingestor} on a real Redis. */
@ExtendWith(RedisExtension.class)
class IngestorSinkTest {

    @Test
    void eventsTheIngestorRejectsCountAsRejectedWithItsReasons(TestRedis redis) throws Exception {
        List<IngestResult> results = new CopyOnWriteArrayList<>();
        RecordingListener listener = new RecordingListener();
        try (Ingestor ingestor = ingestor(redis)) {
            EventBatcher batcher = batcher(IngestorSink.of(events -> {
                IngestResult result = ingestor.ingest(events);
                results.add(result);
                return result.rejected().stream()
                        .map(rejection -> new SendResult.Rejection(rejection.index(), rejection.reason()))
                        .toList();
            }), listener);
            List<Event> tracked = deliverFiveWithTwoInvalid(batcher);

            assertThat(results).singleElement().extracting(IngestResult::ingested).isEqualTo(3);
            assertThat(batcher.stats().get("ingestor")).isEqualTo(new SinkStats("ingestor", 5, 3, 0, 0, 0, 2, 0));
            assertThat(listener.rejections).containsExactly(
                    new RecordingListener.Rejection("ingestor", tracked.get(1), "listing_id is missing"),
                    new RecordingListener.Rejection("ingestor", tracked.get(3),
                            "listing_id has '{', which ids may not contain"));
            assertThat(listener.sent).containsExactly(3);
        }
    }

    @Test
    void withoutTheIngestorsAnswerRejectedEventsCountAsSent(TestRedis redis) throws Exception {
        try (Ingestor ingestor = ingestor(redis)) {
            RecordingListener listener = new RecordingListener();
            EventBatcher batcher = batcher(IngestorSink.ignoringRejections(ingestor::ingest), listener);
            deliverFiveWithTwoInvalid(batcher);

            assertThat(batcher.stats().get("ingestor")).isEqualTo(new SinkStats("ingestor", 5, 5, 0, 0, 0, 0, 0));
            assertThat(listener.rejections).isEmpty();
        }
    }

    @Test
    void anIngestFunctionReturningNullOrANullRejectionFailsTheBatchWithoutRetrying() throws Exception {
        List<SendResult.Rejection> withNull = new ArrayList<>();
        withNull.add(null);
        assertFailsAtOnce(events -> null, "returned null");
        assertFailsAtOnce(events -> withNull, "returned a null rejection");
    }

    private static void assertFailsAtOnce(Function<List<Event>, List<SendResult.Rejection>> ingest, String what)
            throws InterruptedException {
        RecordingListener listener = new RecordingListener();
        EventBatcher batcher = batcher(IngestorSink.of("broken", ingest), listener);
        deliverFiveWithTwoInvalid(batcher);

        assertThat(batcher.stats().get("broken")).isEqualTo(new SinkStats("broken", 5, 0, 0, 0, 5, 0, 0));
        assertThat(listener.failures).singleElement().extracting(RecordingListener.Failure::reason)
                .isEqualTo("the ingest function of sink 'broken' " + what + " instead of the list of rejected events"
                        + " (empty when none was rejected)");
    }

    /** A batcher that sends on flush() only, so that the five events go out as one batch. */
    private static EventBatcher batcher(Sink sink, RecordingListener listener) {
        return EventBatcher.builder().config(BatcherConfig.builder().flushInterval(Duration.ofHours(1)).build())
                .sink(sink).listener(listener).build();
    }

    private static Ingestor ingestor(TestRedis redis) {
        return Ingestor.connect(redis.uri(), IngestorConfig.builder().keyPrefix(redis.keyPrefix()).build());
    }

    /**
     * Tracks five property views (the second has no listing id, the fourth an id with a brace), sends them as one
     * batch and closes the batcher.
     *
     * @return the events as tracked, with their uuids
     */
    private static List<Event> deliverFiveWithTwoInvalid(EventBatcher batcher) throws InterruptedException {
        try (batcher) {
            List<Event> tracked = List.of(
                    batcher.track(view("listing-1")),
                    batcher.track(Event.create("property_view", "seeker-1", Map.of("viewed_from", "home"))),
                    batcher.track(view("listing-2")),
                    batcher.track(view("listing-{3}")),
                    batcher.track(view("listing-4")));
            assertThat(batcher.flush(Duration.ofSeconds(20))).isTrue();
            return tracked;
        }
    }

    private static Event view(String listingId) {
        return Event.create("property_view", "seeker-1", Map.of("listing_id", listingId, "viewed_from", "home"));
    }
}
