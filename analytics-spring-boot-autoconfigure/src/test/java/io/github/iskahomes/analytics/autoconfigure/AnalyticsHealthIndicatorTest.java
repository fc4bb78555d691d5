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
        Instant start = Instant.now();
        try (Ingestor ingestor = Ingestor.connect(redis.uri(), IngestorConfig.builder().keyPrefix(redis.keyPrefix())
                .build())) {
            // The aggregation's clock stands at the start; each health below reads the time on its own clock.
            AnalyticsAggregation aggregation = new AnalyticsAggregation(Aggregator.create(postgres.dataSource(),
                    ingestor.reader()), Clock.fixed(start, ZoneOffset.UTC));

            // Just started: within the grace of one threshold.
            assertThat(health(ingestor, postgres, aggregation, start.plusSeconds(7200)).getStatus())
                    .isEqualTo(Status.UP);
            Health stale = health(ingestor, postgres, aggregation, start.plusSeconds(7201));
            assertThat(stale.getStatus()).isEqualTo(Status.DOWN);
            assertThat(stale.getDetails()).containsEntry("redis", "UP").containsEntry("postgresql", "UP")
                    .containsEntry("aggregation", "DOWN: no successful aggregation since start-up 7201 s ago"
                            + " (threshold 7200 s)");

            aggregation.run();
            assertThat(health(ingestor, postgres, aggregation, start.plusSeconds(3600)).getStatus())
                    .isEqualTo(Status.UP);
            assertThat(health(ingestor, postgres, aggregation, start.plusSeconds(10800)).getDetails())
                    .containsEntry("aggregation", "DOWN: the last successful aggregation was 10800 s ago"
                            + " (threshold 7200 s)");
        }
    }

    private static Health health(Ingestor ingestor, TestPostgres postgres, AnalyticsAggregation aggregation,
                                 Instant now) {
        return new AnalyticsHealthIndicator(ingestor, postgres.dataSource(), aggregation, Duration.ofHours(2),
                Clock.fixed(now, ZoneOffset.UTC)).health();
    }
}
