package io.github.iskahomes.analytics.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iskahomes.analytics.autoconfigure.health.AnalyticsHealthIndicator;
import io.github.iskahomes.analytics.jdbc.Aggregator;
import io.github.iskahomes.analytics.jdbc.Schema;
import io.github.iskahomes.analytics.redis.Ingestor;
import io.github.iskahomes.analytics.redis.IngestorConfig;
import io.github.iskahomes.analytics.testing.PostgresExtension;
import io.github.iskahomes.analytics.testing.RedisExtension;
import io.github.iskahomes.analytics.testing.TestPostgres;
import io.github.iskahomes.analytics.testing.TestRedis;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** The age of the last successful aggregation against the threshold, on a clock the test moves. */
@ExtendWith({RedisExtension.class, PostgresExtension.class})
class AnalyticsHealthIndicatorTest {

    @Test
    void staleAggregationIsDownUntilARunSucceeds(TestRedis redis, TestPostgres postgres) {
        Schema.migrate(postgres.dataSource());
        MovableClock clock = new MovableClock(Instant.now());
        try (Ingestor ingestor = Ingestor.connect(redis.uri(), IngestorConfig.builder().keyPrefix(redis.keyPrefix())
                .build())) {
            AnalyticsAggregation aggregation = new AnalyticsAggregation(Aggregator.create(postgres.dataSource(),
                    ingestor.reader()), clock);
            AnalyticsHealthIndicator health = new AnalyticsHealthIndicator(ingestor, postgres.dataSource(),
                    aggregation, Duration.ofHours(2), clock);

            // Just started: within the grace of one threshold.
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);

            clock.advance(Duration.ofHours(2).plusSeconds(1));
            Health stale = health.health();
            assertThat(stale.getStatus()).isEqualTo(Status.DOWN);
            assertThat(stale.getDetails()).containsEntry("redis", "UP").containsEntry("postgresql", "UP")
                    .containsEntry("aggregation", "DOWN: no successful aggregation since start-up 7201 s ago"
                            + " (threshold 7200 s)");

            aggregation.run();
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);

            clock.advance(Duration.ofHours(3));
            assertThat(health.health().getDetails()).containsEntry("aggregation",
                    "DOWN: the last successful aggregation was 10800 s ago (threshold 7200 s)");
        }
    }

    /** A clock that stands still until the test moves it. */
    private static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
