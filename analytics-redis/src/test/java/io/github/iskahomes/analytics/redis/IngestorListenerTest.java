package io.github.iskahomes.analytics.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.RejectionCategory;
import io.github.iskahomes.analytics.core.StoreUnavailableException;
import io.github.iskahomes.analytics.testing.RedisExtension;
import io.github.iskahomes.analytics.testing.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What an {@link IngestorListener} hears, and that one which throws changes nothing of the ingest. */
@ExtendWith(RedisExtension.class)
class IngestorListenerTest {
    private TestRedis redis;
    private RedisClient client;

    @BeforeEach
    void open(TestRedis redis) {
        this.redis = redis;
        client = RedisClient.create(redis.uri());
    }

    @AfterEach
    void close() {
        client.shutdown();
    }

    private Ingestor ingestor(IngestorListener listener) {
        return Ingestor.create(client, RedisURI.create(redis.uri()),
                IngestorConfig.builder().keyPrefix(redis.keyPrefix()).listener(listener).build());
    }

    @Test
    void eachIngestCallIsOneBatchWithItsCountsRejectionsAndTime() {
        Recording recording = new Recording();
        try (Ingestor ingestor = ingestor(recording)) {
            Event view = IngestorTest.view("L1", "S1", Scenario.NOON);
            ingestor.ingest(List.of(view, view, new Event("house_view", "S1", Scenario.NOON, "h1", Map.of())));
            String body = "{\"events\":[42," + json(view) + "]}";
            ingestor.ingest(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(recording.batches).hasSize(2);
        IngestBatch first = recording.batches.get(0);
        assertThat(first.ingested()).isEqualTo(1);
        assertThat(first.duplicates()).isEqualTo(1);
        assertThat(first.rejected()).containsExactly(new IngestResult.Rejection(2, "h1",
                "event \"house_view\" is not in the catalogue", RejectionCategory.UNKNOWN_EVENT_TYPE));
        assertThat(first.elapsed()).isPositive();
        IngestBatch second = recording.batches.get(1);
        assertThat(second.ingested()).isZero();
        assertThat(second.duplicates()).isEqualTo(1);
        assertThat(second.rejected()).containsExactly(new IngestResult.Rejection(0, null,
                "the element is a number, not an event object", RejectionCategory.INVALID_PAYLOAD));
        assertThat(recording.unavailable).isEmpty();
    }

    @Test
    void aListenerThatThrowsLeavesTheResultAndRedisExactlyAsWithout() {
        Recording after = new Recording();
        IngestorListener throwing = new IngestorListener() {
            @Override
            public void onBatch(IngestBatch batch) {
                throw new IllegalStateException("exporter broken");
            }
        };
        Scenario scenario = new Scenario();
        try (Ingestor ingestor = ingestor(IngestorListener.composite(throwing, after))) {
            assertThat(ingestor.ingest(scenario.events))
                    .isEqualTo(new IngestResult(25, 0, Map.of(Scenario.DAY_KEY, 25), List.of()));
            assertThat(ingestor.ingest(scenario.events)).isEqualTo(new IngestResult(0, 25, Map.of(), List.of()));
            scenario.assertState(ingestor.reader());
        }
        // The composite still told the listener after the one that threw.
        assertThat(after.batches).extracting(IngestBatch::ingested, IngestBatch::duplicates)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(25, 0), org.assertj.core.groups.Tuple.tuple(0, 25));

        // And thrown from the only listener of the config: the same exact result.
        Scenario again = new Scenario();
        try (Ingestor ingestor = ingestor(throwing)) {
            assertThat(ingestor.ingest(again.events).ingested()).isEqualTo(25);
        }
    }

    @Test
    void redisDownIsToldAsUnavailableAndTheCallStillThrowsItsOwnException() throws Exception {
        Recording recording = new Recording();
        IngestorListener throwing = new IngestorListener() {
            @Override
            public void onUnavailable(StoreUnavailableException e, int events, Duration elapsed) {
                throw new IllegalStateException("exporter broken");
            }
        };
        Scenario scenario = new Scenario();
        IngestorConfig config = IngestorConfig.builder().keyPrefix(redis.keyPrefix())
                .listener(IngestorListener.composite(throwing, recording)).build();
        try (Ingestor own = Ingestor.connect(redis.uri(), config)) {
            redis.stop();
            Throwable thrown;
            try {
                thrown = org.assertj.core.api.Assertions.catchThrowable(() -> own.ingest(scenario.events));
            } finally {
                redis.start();
            }
            assertThat(thrown).isInstanceOf(StoreUnavailableException.class)
                    .hasMessageStartingWith("Redis at " + redis.uri() + " is unavailable: ");
            assertThat(recording.unavailable).hasSize(1);
            assertThat(recording.unavailable.get(0).e()).isSameAs(thrown);
            assertThat(recording.unavailable.get(0).events()).isEqualTo(25);
            assertThat(recording.batches).isEmpty();
            assertThat(IngestorTest.retryUntilAvailable(own, scenario.events).ingested()).isEqualTo(25);
            scenario.assertState(own.reader());
        }
        // Only the batch that got through; every failed try before it was one onUnavailable each.
        assertThat(recording.batches).extracting(IngestBatch::ingested).containsExactly(25);
        assertThat(recording.unavailable).allSatisfy(u -> assertThat(u.events()).isEqualTo(25));
    }

    @Test
    void aCallRefusedBeforeItsWorkIsNoBatch() {
        Recording recording = new Recording();
        Ingestor ingestor = ingestor(recording);
        ingestor.close();
        assertThatThrownBy(() -> ingestor.ingest(List.of())).isInstanceOf(IllegalStateException.class);
        assertThat(recording.batches).isEmpty();
        assertThat(recording.unavailable).isEmpty();
    }

    private static String json(Event event) {
        return "{\"event\":\"" + event.name() + "\",\"distinct_id\":\"" + event.distinctId() + "\",\"uuid\":\""
                + event.uuid() + "\",\"timestamp\":\"" + event.timestamp() + "\",\"properties\":{\"listing_id\":\""
                + event.properties().get("listing_id") + "\"}}";
    }

    /** Keeps what it hears. */
    static final class Recording implements IngestorListener {
        record Unavailable(StoreUnavailableException e, int events, Duration elapsed) {
        }

        final List<IngestBatch> batches = Collections.synchronizedList(new ArrayList<>());
        final List<Unavailable> unavailable = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void onBatch(IngestBatch batch) {
            batches.add(batch);
        }

        @Override
        public void onUnavailable(StoreUnavailableException e, int events, Duration elapsed) {
            unavailable.add(new Unavailable(e, events, elapsed));
        }
    }
}
