package io.github.iskahomes.analytics.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iskahomes.analytics.batcher.BatcherConfig;
import io.github.iskahomes.analytics.batcher.BatcherListener;
import io.github.iskahomes.analytics.batcher.EventBatcher;
import io.github.iskahomes.analytics.batcher.IngestorSink;
import io.github.iskahomes.analytics.batcher.SendResult;
import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.StoreUnavailableException;
import io.github.iskahomes.analytics.redis.Ingestor;
import io.github.iskahomes.analytics.redis.IngestorConfig;
import io.github.iskahomes.analytics.testing.RedisExtension;
import io.github.iskahomes.analytics.testing.TestRedis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Events tracked through a real EventBatcher into a real Ingestor on a real Redis give exact meter values. */
@ExtendWith(RedisExtension.class)
class BatcherMetricsTest {

    /** Nothing leaves before flush or close: the queue gauge then has an exact value. */
    private static final BatcherConfig HELD = BatcherConfig.builder().flushAt(1000).flushInterval(Duration.ofHours(1))
            .backoff(Duration.ofMillis(1), Duration.ofMillis(2)).maxAttempts(3).build();

    private static IngestorSink sinkOf(Ingestor ingestor) {
        return IngestorSink.of(events -> ingestor.ingest(events).rejected().stream()
                .map(rejection -> new SendResult.Rejection(rejection.index(), rejection.reason())).toList());
    }

    private static double events(SimpleMeterRegistry registry, String sink, String outcome, String reason) {
        return Meters.count(registry, BatcherMetrics.EVENTS, "sink", sink, "outcome", outcome, "reason", reason);
    }

    private static double queue(SimpleMeterRegistry registry, String sink) {
        return registry.get(BatcherMetrics.QUEUE).tags("sink", sink).gauge().value();
    }

    @Test
    void sentRejectedRetriedFailedAndDroppedEventsAreCountedPerSinkAndTheQueueIsGauged(TestRedis redis) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AtomicInteger flakyCalls = new AtomicInteger();
        try (Ingestor ingestor = Ingestor.connect(redis.uri(),
                IngestorConfig.builder().keyPrefix(redis.keyPrefix()).build())) {
            BatcherMetrics metrics = new BatcherMetrics();
            EventBatcher batcher = EventBatcher.builder().config(HELD)
                    .sink(sinkOf(ingestor))
                    // Redis "down" for the first try: the batch is retried once, then lands (as duplicates).
                    .sink(IngestorSink.of("flaky", events -> {
                        if (flakyCalls.getAndIncrement() == 0) {
                            throw new StoreUnavailableException("Redis at test", "down for one try", null);
                        }
                        return List.of();
                    }))
                    // A backend that refuses every batch: its events fail.
                    .sink(IngestorSink.of("refusing", events -> {
                        throw new IllegalArgumentException("this backend refuses everything");
                    }))
                    .listener(metrics).build();
            metrics.watch(batcher).bindTo(registry);

            assertThat(events(registry, "ingestor", "sent", "none")).isZero();
            batcher.track("property_view", "S1", Map.of("listing_id", "L1"));
            batcher.track("property_view", "S2", Map.of("listing_id", "L1"));
            batcher.track("property_view", "S3", Map.of("listing_id", "L2"));
            batcher.track("property_view", "S4", Map.of());                          // rejected: no listing_id
            assertThat(queue(registry, "ingestor")).isEqualTo(4);
            assertThat(queue(registry, "refusing")).isEqualTo(4);

            batcher.close();
            batcher.track("property_view", "S5", Map.of("listing_id", "L1"));        // dropped: closed

            assertThat(events(registry, "ingestor", "sent", "none")).isEqualTo(3);
            assertThat(events(registry, "ingestor", "rejected", "none")).isEqualTo(1);
            assertThat(events(registry, "ingestor", "failed", "none")).isZero();
            assertThat(events(registry, "ingestor", "dropped", "batcher_closed")).isEqualTo(1);
            assertThat(events(registry, "ingestor", "dropped", "queue_full")).isZero();
            assertThat(Meters.count(registry, BatcherMetrics.RETRIES, "sink", "ingestor")).isZero();
            assertThat(events(registry, "flaky", "sent", "none")).isEqualTo(4);
            assertThat(Meters.count(registry, BatcherMetrics.RETRIES, "sink", "flaky")).isEqualTo(4);
            assertThat(events(registry, "refusing", "failed", "none")).isEqualTo(4);
            assertThat(events(registry, "refusing", "sent", "none")).isZero();
            assertThat(queue(registry, "ingestor")).isZero();
            // The meters agree with the batcher's own counters.
            assertThat(batcher.stats().get("ingestor").sent()).isEqualTo(3);
            assertThat(batcher.stats().get("ingestor").rejected()).isEqualTo(1);
            assertThat(batcher.stats().get("refusing").failed()).isEqualTo(4);
        }
    }

    @Test
    void watchingBeforeOrAfterBindingGivesTheSameGaugesAndASecondBatcherIsRefused(TestRedis redis) {
        SimpleMeterRegistry early = new SimpleMeterRegistry();
        SimpleMeterRegistry late = new SimpleMeterRegistry();
        try (Ingestor ingestor = Ingestor.connect(redis.uri(),
                IngestorConfig.builder().keyPrefix(redis.keyPrefix()).build())) {
            BatcherMetrics metrics = new BatcherMetrics();
            metrics.bindTo(early);
            EventBatcher batcher = EventBatcher.builder().config(HELD).sink(sinkOf(ingestor))
                    .listener(BatcherListener.composite(new BatcherListener() {
                        @Override
                        public void onSent(String sink, int count) {
                            throw new IllegalStateException("the host's own listener is broken");
                        }
                    }, metrics)).build();
            metrics.watch(batcher);
            metrics.bindTo(late);
            batcher.track("property_view", "S1", Map.of("listing_id", "L1"));
            assertThat(queue(early, "ingestor")).isEqualTo(1);
            assertThat(queue(late, "ingestor")).isEqualTo(1);
            EventBatcher other = EventBatcher.builder().config(HELD).sink(sinkOf(ingestor)).build();
            assertThatThrownBy(() -> metrics.watch(other)).isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("this BatcherMetrics watches another EventBatcher already");
            other.close();
            batcher.close();
            // The host's listener threw before it in the composite; the metrics still heard the send.
            assertThat(events(early, "ingestor", "sent", "none")).isEqualTo(1);
            assertThat(events(late, "ingestor", "sent", "none")).isEqualTo(1);
        }
    }
}
