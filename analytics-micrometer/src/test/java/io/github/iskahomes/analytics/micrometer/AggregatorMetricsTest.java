package io.github.iskahomes.analytics.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.StoreUnavailableException;
import io.github.iskahomes.analytics.jdbc.AggregationResult;
import io.github.iskahomes.analytics.jdbc.Aggregator;
import io.github.iskahomes.analytics.jdbc.AggregatorConfig;
import io.github.iskahomes.analytics.jdbc.Schema;
import io.github.iskahomes.analytics.redis.Ingestor;
import io.github.iskahomes.analytics.redis.IngestorConfig;
import io.github.iskahomes.analytics.testing.PostgresExtension;
import io.github.iskahomes.analytics.testing.RedisExtension;
import io.github.iskahomes.analytics.testing.TestPostgres;
import io.github.iskahomes.analytics.testing.TestRedis;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A known stream through a real Ingestor, Redis, Aggregator and PostgreSQL gives exact meter values. */
@ExtendWith({PostgresExtension.class, RedisExtension.class})
class AggregatorMetricsTest {
    static final LocalDate D1 = LocalDate.now(ZoneOffset.UTC).minusDays(3);
    static final LocalDate D2 = D1.plusDays(1);
    /** A day nothing was ingested for. */
    static final LocalDate D0 = D1.minusDays(1);

    private TestPostgres pg;
    private TestRedis redis;
    private Ingestor ingestor;
    private SimpleMeterRegistry registry;
    private MutableClock clock;
    private AggregatorMetrics metrics;
    private Aggregator aggregator;

    @BeforeEach
    void setUp(TestPostgres pg, TestRedis redis) {
        this.pg = pg;
        this.redis = redis;
        Schema.migrate(Jdbi.create(pg.dataSource()));
        ingestor = Ingestor.connect(redis.uri(), IngestorConfig.builder().keyPrefix(redis.keyPrefix()).build());
        registry = new SimpleMeterRegistry();
        clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        metrics = new AggregatorMetrics(Tags.empty(), clock);
        metrics.bindTo(registry);
        aggregator = Aggregator.create(pg.dataSource(), ingestor.reader(),
                AggregatorConfig.defaults().withListener(metrics));
        // Day 1: listings L1 and L2, lister agent-1 (of L1), one lead; day 2: L1 and agent-1 again.
        List<Event> events = List.of(
                event("property_view", "s1", D1, "listing_id", "L1", "lister_id", "agent-1", "lister_type", "agent"),
                event("property_view", "s2", D1, "listing_id", "L2"),
                event("lead_phone", "s1", D1, "listing_id", "L1", "lister_id", "agent-1", "lister_type", "agent"),
                event("property_view", "s1", D2, "listing_id", "L1", "lister_id", "agent-1", "lister_type", "agent"));
        assertThat(ingestor.ingest(events).ingested()).isEqualTo(4);
    }

    @AfterEach
    void tearDown() {
        ingestor.close();
    }

    private static Event event(String name, String seeker, LocalDate day, Object... properties) {
        Map<String, Object> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < properties.length; i += 2) {
            map.put((String) properties[i], properties[i + 1]);
        }
        return new Event(name, seeker, day.atTime(12, 0).toInstant(ZoneOffset.UTC), UUID.randomUUID().toString(), map);
    }

    private double rows(String table) {
        return Meters.count(registry, AggregatorMetrics.ROWS, "table", table);
    }

    private double errors(String table) {
        return Meters.count(registry, AggregatorMetrics.ERRORS, "table", table);
    }

    private double days(String state) {
        return Meters.count(registry, AggregatorMetrics.DAYS, "state", state);
    }

    private long runs(String outcome) {
        return registry.get(AggregatorMetrics.RUN).tags("outcome", outcome).timer().count();
    }

    private double age() {
        return registry.get(AggregatorMetrics.LAST_SUCCESS).gauge().value();
    }

    @Test
    void aRunCountsRowsPerTableAndDaysAndTheAgeOfTheLastSuccessStartsThen() {
        assertThat(age()).isNaN();
        assertThat(rows("listings")).isZero();

        AggregationResult result = aggregator.run(D1, D2);

        assertThat(result.success()).isTrue();
        assertThat(rows("listings")).isEqualTo(3).isEqualTo(result.inserted("listings"));
        assertThat(rows("users")).isEqualTo(2).isEqualTo(result.inserted("users"));
        assertThat(rows("developments")).isZero();
        assertThat(rows("leads")).isEqualTo(1).isEqualTo(result.inserted("leads"));
        assertThat(days("written")).isEqualTo(2);
        assertThat(days("skipped")).isZero();
        assertThat(runs("success")).isEqualTo(1);
        assertThat(List.of(runs("partial"), runs("failed"), runs("lock_held"))).containsOnly(0L);
        assertThat(registry.get(AggregatorMetrics.STORE).tags("store", "redis").timer().count()).isEqualTo(1);
        assertThat(registry.get(AggregatorMetrics.STORE).tags("store", "postgres").timer().count()).isEqualTo(1);
        assertThat(age()).isZero();
        clock.advance(Duration.ofSeconds(90));
        assertThat(age()).isEqualTo(90.0);
        assertThat(metrics.lastSuccess()).contains(Instant.parse("2026-01-01T00:00:00Z"));

        // A re-run writes the same rows again: the counter counts rows written, run after run.
        aggregator.run(D1, D2);
        assertThat(rows("listings")).isEqualTo(6);
        assertThat(runs("success")).isEqualTo(2);
        assertThat(age()).isZero();
    }

    @Test
    void aDayRedisNeverHeldIsCountedSkippedAndTheRunIsStillASuccess() {
        AggregationResult result = aggregator.run(D0, D1);

        assertThat(result.skippedDays()).containsExactly(D0);
        assertThat(days("written")).isEqualTo(1);
        assertThat(days("skipped")).isEqualTo(1);
        assertThat(runs("success")).isEqualTo(1);
        assertThat(runs("partial")).isZero();
    }

    @Test
    void anEntityThatFailsMakesTheRunPartialAndASkippedDayIsCountedApart() {
        // The lister's type, changed in Redis to one the aggregator refuses: that user fails, the rest is written.
        try (RedisClient client = RedisClient.create(redis.uri()); var connection = client.connect()) {
            connection.sync().hset(redis.keyPrefix() + "user:{agent-1}:day:"
                    + D1.format(DateTimeFormatter.BASIC_ISO_DATE), "user_type", "martian");
        }
        AggregationResult result = aggregator.run(D0, D1);

        assertThat(result.skippedDays()).containsExactly(D0);
        assertThat(result.errors("users")).hasSize(1);
        assertThat(errors("users")).isEqualTo(1);
        assertThat(errors("listings")).isZero();
        assertThat(rows("listings")).isEqualTo(2);
        assertThat(rows("users")).isZero();
        assertThat(days("written")).isEqualTo(1);
        assertThat(days("skipped")).isEqualTo(1);
        assertThat(runs("partial")).isEqualTo(1);
        assertThat(runs("success")).isZero();
        // It committed: it is the last success.
        assertThat(age()).isZero();
    }

    @Test
    void aRunThatFindsTheLockTakenIsTimedAsLockHeldAndCountsNothing() {
        try (Handle other = Jdbi.create(pg.dataSource()).open()) {
            // What a run on another instance holds while it works: the same advisory lock, in the same schema.
            other.begin();
            other.createQuery("SELECT pg_advisory_xact_lock(hashtext(:name), hashtext(current_schema()))")
                    .bind("name", AggregatorConfig.DEFAULT_LOCK_NAME).mapToMap().one();
            assertThat(aggregator.run(D1, D2).skipped()).isEqualTo(AggregationResult.LOCK_HELD);
            other.rollback();
        }
        assertThat(runs("lock_held")).isEqualTo(1);
        assertThat(runs("success")).isZero();
        assertThat(rows("listings")).isZero();
        assertThat(days("written")).isZero();
        assertThat(age()).isNaN();
    }

    @Test
    void aRunThatFailsIsTimedAsFailedAndLeavesTheLastSuccessAsItWas() {
        aggregator.run(D1);
        clock.advance(Duration.ofSeconds(30));
        pg.stop();
        try {
            assertThatThrownBy(() -> aggregator.run(D1, D2)).isInstanceOf(StoreUnavailableException.class);
        } finally {
            pg.start();
        }
        assertThat(runs("failed")).isEqualTo(1);
        assertThat(runs("success")).isEqualTo(1);
        assertThat(days("written")).isEqualTo(1);
        assertThat(age()).isEqualTo(30.0);
    }

    /** A clock the test moves by hand, so the age gauge has an exact value. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
