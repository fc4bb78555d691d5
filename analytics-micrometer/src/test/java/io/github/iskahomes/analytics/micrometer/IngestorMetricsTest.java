package io.github.iskahomes.analytics.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.RejectionCategory;
import io.github.iskahomes.analytics.core.StoreUnavailableException;
import io.github.iskahomes.analytics.redis.Ingestor;
import io.github.iskahomes.analytics.redis.IngestorConfig;
import io.github.iskahomes.analytics.testing.RedisExtension;
import io.github.iskahomes.analytics.testing.TestRedis;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A known stream through a real Ingestor on a real Redis gives exact meter values. */
@ExtendWith(RedisExtension.class)
class IngestorMetricsTest {
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    private static Event view(String listing, String seeker) {
        return new Event("property_view", seeker, NOW, UUID.randomUUID().toString(), Map.of("listing_id", listing));
    }

    @Test
    void eachEventIsCountedByOutcomeAndRejectionCategoryAndEachCallIsTimed(TestRedis redis) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        IngestorMetrics metrics = new IngestorMetrics(Tags.of("app", "shop1"));
        metrics.bindTo(registry);
        metrics.bindTo(registry); // binding twice counts once
        // Every series is there, at zero, before anything happened.
        assertThat(Meters.count(registry, IngestorMetrics.EVENTS, "outcome", "rejected", "reason", "too_large"))
                .isZero();
        assertThat(registry.find(IngestorMetrics.EVENTS).counters()).hasSize(2 + RejectionCategory.values().length);

        List<Event> events = new ArrayList<>();
        Event repeated = view("L1", "S1");
        events.add(repeated);
        events.add(view("L2", "S1"));
        events.add(view("L3", "S2"));
        events.add(repeated);                                                         // duplicate
        events.add(new Event("house_view", "S1", NOW, "h1", Map.of()));               // unknown_event_type
        events.add(new Event("property_view", "S1", NOW, "m1", Map.of()));            // missing_property
        events.add(new Event("property_view", null, NOW, "m2", Map.of("listing_id", "L1"))); // missing_property
        events.add(new Event("property_view", "S1", NOW.minus(30, ChronoUnit.DAYS), "t1",
                Map.of("listing_id", "L1")));                                          // timestamp_out_of_range
        try (Ingestor ingestor = Ingestor.connect(redis.uri(),
                IngestorConfig.builder().keyPrefix(redis.keyPrefix()).listener(metrics).build())) {
            ingestor.ingest(events);
            ingestor.ingest(List.of(repeated));                                        // a retry: one duplicate
        }

        assertThat(Meters.count(registry, IngestorMetrics.EVENTS, "outcome", "ingested", "reason", "none")).isEqualTo(3);
        assertThat(Meters.count(registry, IngestorMetrics.EVENTS, "outcome", "duplicate", "reason", "none")).isEqualTo(2);
        assertThat(Meters.count(registry, IngestorMetrics.EVENTS, "outcome", "rejected", "reason", "unknown_event_type"))
                .isEqualTo(1);
        assertThat(Meters.count(registry, IngestorMetrics.EVENTS, "outcome", "rejected", "reason", "missing_property"))
                .isEqualTo(2);
        assertThat(Meters.count(registry, IngestorMetrics.EVENTS, "outcome", "rejected",
                "reason", "timestamp_out_of_range")).isEqualTo(1);
        assertThat(Meters.count(registry, IngestorMetrics.EVENTS, "outcome", "rejected", "reason", "invalid_property"))
                .isZero();
        assertThat(registry.get(IngestorMetrics.BATCH).tags("outcome", "ok", "app", "shop1").timer().count())
                .isEqualTo(2);
        assertThat(registry.get(IngestorMetrics.BATCH).tags("outcome", "unavailable").timer().count()).isZero();
        // The user's tag is on every meter.
        assertThat(registry.getMeters()).allSatisfy(m -> assertThat(m.getId().getTag("app")).isEqualTo("shop1"));
    }

    @Test
    void aCallThatFindsRedisDownIsTimedAsUnavailableAndCountsNoEvent(TestRedis redis) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        IngestorMetrics metrics = new IngestorMetrics();
        metrics.bindTo(registry);
        try (Ingestor ingestor = Ingestor.connect(redis.uri(),
                IngestorConfig.builder().keyPrefix(redis.keyPrefix()).listener(metrics).build())) {
            redis.stop();
            try {
                assertThatThrownBy(() -> ingestor.ingest(List.of(view("L1", "S1"), view("L2", "S1"))))
                        .isInstanceOf(StoreUnavailableException.class);
            } finally {
                redis.start();
            }
        }
        assertThat(registry.get(IngestorMetrics.BATCH).tags("outcome", "unavailable").timer().count()).isEqualTo(1);
        assertThat(registry.get(IngestorMetrics.BATCH).tags("outcome", "ok").timer().count()).isZero();
        assertThat(registry.find(IngestorMetrics.EVENTS).counters()).allSatisfy(c -> assertThat(c.count()).isZero());
    }
}
