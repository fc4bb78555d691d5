package io.github.iskahomes.analytics.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.iskahomes.analytics.core.StoreUnavailableException;
import io.github.iskahomes.analytics.redis.Ingestor;
import io.github.iskahomes.analytics.redis.IngestorConfig;
import io.github.iskahomes.analytics.testing.PostgresExtension;
import io.github.iskahomes.analytics.testing.RedisExtension;
import io.github.iskahomes.analytics.testing.TestPostgres;
import io.github.iskahomes.analytics.testing.TestRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What an {@link AggregatorListener} hears of each run, and that one which throws changes nothing of the run. */
@ExtendWith({PostgresExtension.class, RedisExtension.class})
class AggregatorListenerTest {
    private static final String SCRIPT_JSON = "{\"success\":true,\"processed\":{"
            + "\"listings\":{\"inserted\":3,\"errors\":[]},\"users\":{\"inserted\":3,\"errors\":[]},"
            + "\"developments\":{\"inserted\":2,\"errors\":[]},\"leads\":{\"inserted\":3,\"errors\":[]}},"
            + "\"finalisedDays\":[\"" + AggregatorTest.D1 + "\",\"" + AggregatorTest.D2 + "\"],\"skippedDays\":[]}";

    private TestPostgres pg;
    private TestRedis redis;
    private Jdbi jdbi;
    private Ingestor ingestor;

    @BeforeEach
    void setUp(TestPostgres pg, TestRedis redis) {
        this.pg = pg;
        this.redis = redis;
        jdbi = Jdbi.create(pg.dataSource());
        Schema.migrate(jdbi);
        ingestor = Ingestor.connect(redis.uri(), IngestorConfig.builder().keyPrefix(redis.keyPrefix()).build());
        assertThat(ingestor.ingest(AggregatorTest.script().drain()).rejected()).isEmpty();
    }

    @AfterEach
    void tearDown() {
        ingestor.close();
    }

    private Aggregator aggregator(AggregatorListener listener) {
        return Aggregator.create(pg.dataSource(), ingestor.reader(),
                AggregatorConfig.defaults().withChunkSize(2).withListener(listener));
    }

    @Test
    void aRunIsToldItsStartAndThenItsResult() {
        Recording recording = new Recording();
        Instant before = Instant.now();
        AggregationResult result = aggregator(recording).run(AggregatorTest.D1, AggregatorTest.D2);
        assertThat(recording.calls).containsExactly("started", "finished");
        assertThat(recording.started.get(0)).isBetween(before, Instant.now());
        assertThat(recording.results).containsExactly(result);
        assertThat(recording.results.get(0).toJson()).isEqualTo(SCRIPT_JSON);
        assertThat(recording.elapsed.get(0)).isPositive();
    }

    @Test
    void aListenerThatThrowsLeavesTheResultAndPostgresExactlyAsWithout() {
        Recording after = new Recording();
        AggregatorListener throwing = new AggregatorListener() {
            @Override
            public void onRunStarted(Instant at) {
                throw new IllegalStateException("exporter broken");
            }

            @Override
            public void onRunFinished(AggregationResult result, Duration elapsed) {
                throw new IllegalStateException("exporter broken");
            }
        };
        assertThat(aggregator(AggregatorListener.composite(throwing, after)).run(AggregatorTest.D1, AggregatorTest.D2)
                .toJson()).isEqualTo(SCRIPT_JSON);
        assertThat(after.calls).containsExactly("started", "finished");
        assertThat(aggregator(throwing).run(AggregatorTest.D1, AggregatorTest.D2).toJson()).isEqualTo(SCRIPT_JSON);
        assertThat(Db.scalar(jdbi, "SELECT total_views FROM listing_analytics WHERE listing_id = 'L1' AND date = '"
                + AggregatorTest.D1 + "'")).isEqualTo(3L);
        assertThat(Db.scalar(jdbi, "SELECT count(*) FROM aggregated_days")).isEqualTo(2L);
    }

    @Test
    void aRunThatFindsTheLockTakenIsToldSoAndTheOtherRunFinishes() throws Exception {
        Recording recording = new Recording();
        Aggregator aggregator = aggregator(recording);
        try (Handle blocker = jdbi.open()) {
            // An uncommitted row with a key the first run will upsert: that run waits on it, holding the lock.
            blocker.begin();
            blocker.execute("INSERT INTO listing_analytics (listing_id, date, week, month, quarter, year) "
                    + "VALUES ('L1', ?, 'w', 'm', 'q', 1)", AggregatorTest.D1);
            CompletableFuture<AggregationResult> first =
                    CompletableFuture.supplyAsync(() -> aggregator.run(AggregatorTest.D1));
            while (Db.scalar(jdbi, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted") == 0) {
                assertThat(first).isNotDone();
                Thread.sleep(20);
            }
            assertThat(aggregator.run(AggregatorTest.D1).skipped()).isEqualTo(AggregationResult.LOCK_HELD);
            assertThat(recording.calls).containsExactly("started", "started", "lockHeld");
            blocker.rollback();
            assertThat(first.get(60, TimeUnit.SECONDS).finalisedDays()).containsExactly(AggregatorTest.D1);
        }
        assertThat(recording.calls).containsExactly("started", "started", "lockHeld", "finished");
    }

    @Test
    void aFailedRunIsToldWithTheExceptionItThrows() {
        Recording recording = new Recording();
        AggregatorListener throwing = new AggregatorListener() {
            @Override
            public void onRunFailed(Exception e, Duration elapsed) {
                throw new IllegalStateException("exporter broken");
            }
        };
        Aggregator aggregator = aggregator(AggregatorListener.composite(throwing, recording));
        redis.stop();
        Throwable days;
        Throwable all;
        try {
            days = catchThrowable(() -> aggregator.run(AggregatorTest.D1, AggregatorTest.D2));
            // Listing the retained days is part of the run: Redis down there is a failed run too.
            all = catchThrowable(aggregator::run);
        } finally {
            redis.start();
        }
        assertThat(days).isInstanceOf(StoreUnavailableException.class);
        assertThat(all).isInstanceOf(StoreUnavailableException.class);
        assertThat(recording.calls).containsExactly("started", "failed", "started", "failed");
        assertThat(recording.failures).containsExactly(days, all);
        assertThat(Db.scalar(jdbi, "SELECT count(*) FROM listing_analytics")).isZero();
    }

    /** Keeps what it hears, in order. */
    static final class Recording implements AggregatorListener {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        final List<Instant> started = Collections.synchronizedList(new ArrayList<>());
        final List<AggregationResult> results = Collections.synchronizedList(new ArrayList<>());
        final List<Duration> elapsed = Collections.synchronizedList(new ArrayList<>());
        final List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void onRunStarted(Instant at) {
            calls.add("started");
            started.add(at);
        }

        @Override
        public void onRunFinished(AggregationResult result, Duration elapsed) {
            calls.add("finished");
            results.add(result);
            this.elapsed.add(elapsed);
        }

        @Override
        public void onLockHeldElsewhere(Duration elapsed) {
            calls.add("lockHeld");
        }

        @Override
        public void onRunFailed(Exception e, Duration elapsed) {
            calls.add("failed");
            failures.add(e);
        }
    }
}
