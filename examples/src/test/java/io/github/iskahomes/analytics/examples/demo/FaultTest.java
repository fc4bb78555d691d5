package io.github.iskahomes.analytics.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iskahomes.analytics.batcher.BatcherConfig;
import io.github.iskahomes.analytics.batcher.EventBatcher;
import io.github.iskahomes.analytics.batcher.HttpIngestSink;
import io.github.iskahomes.analytics.batcher.SinkStats;
import io.github.iskahomes.analytics.core.BusinessCalendar;
import io.github.iskahomes.analytics.examples.Pipeline;
import io.github.iskahomes.analytics.redis.IngestorConfig;
import io.github.iskahomes.analytics.server.BackingStores;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Nothing lost, nothing doubled, end to end, under faults: Redis stops and starts again while the simulator sends
 * (the ingest server answers 503 in between and the batcher retries), and PostgreSQL is down during one cron run
 * (which fails clearly; the next run completes the days). Afterwards every total equals what was sent.
 */
class FaultTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void redisAndPostgresOutagesLoseAndDoubleNothing() throws Exception {
        BusinessCalendar calendar = BusinessCalendar.UTC;
        int events = 6_000;
        try (BackingStores stores = BackingStores.start();
             Pipeline pipeline = Pipeline.start(stores, IngestorConfig.defaults(), 0)) {
            Assumptions.assumeTrue(stores.embeddedRedis() != null && stores.embeddedPostgres() != null,
                    "stopping servers needs the embedded ones");
            Instant now = Instant.now();
            TrafficSimulator simulator = new TrafficSimulator(TrafficSimulator.Options.of(events, 2, 99), calendar, now);
            BatcherConfig config = BatcherConfig.builder().flushAt(100).flushInterval(Duration.ofMillis(200))
                    .maxAttempts(1_000).backoff(Duration.ofMillis(50), Duration.ofMillis(500))
                    .closeTimeout(Duration.ofSeconds(60)).build();
            SinkStats delivery;
            int[] statusWhileDown = new int[1];
            try (EventBatcher batcher = EventBatcher.builder().config(config)
                    .sink(HttpIngestSink.builder(URI.create(pipeline.ingestUrl())).build()).build()) {
                AtomicInteger tracked = new AtomicInteger();
                simulator.run(event -> {
                    batcher.track(event);
                    int n = tracked.incrementAndGet();
                    if (n == events / 3) {
                        stores.embeddedRedis().shutdown();
                        statusWhileDown[0] = postOneEvent(pipeline);
                    } else if (n == 2 * events / 3) {
                        stores.embeddedRedis().restart();
                    }
                    if (n % 100 == 0) {
                        sleep(5); // spread the stream over a couple of seconds, so the outage hits batches in flight
                    }
                });
                assertThat(batcher.flush(Duration.ofSeconds(60))).isTrue();
                delivery = batcher.stats().values().iterator().next();
            }
            assertThat(statusWhileDown[0]).isEqualTo(503);
            assertThat(delivery.sent()).isEqualTo(events);
            assertThat(delivery.retried()).isPositive();
            assertThat(delivery.dropped()).isZero();
            assertThat(delivery.failed()).isZero();

            for (TrafficSimulator.SimulatedSale sale : simulator.sales()) {
                assertThat(pipeline.ledger().record(sale.toSale()).recorded()).isTrue();
            }

            stores.embeddedPostgres().shutdown();
            HttpResponse<String> failedRun = cron(pipeline);
            assertThat(failedRun.statusCode()).isEqualTo(503);
            assertThat(failedRun.body()).contains("PostgreSQL");
            stores.embeddedPostgres().restart();
            HttpResponse<String> completedRun = cron(pipeline);
            assertThat(completedRun.statusCode()).as(completedRun.body()).isEqualTo(200);
            assertThat(completedRun.body()).contains("\"success\":true");

            LocalDate today = calendar.dayOf(now);
            Map<String, Long> eventsByType = Demo.eventsByType(pipeline, today.minusDays(1), today);
            assertThat(new Verification(pipeline, simulator.expected(), today.minusDays(1), today)
                    .check(eventsByType, delivery)).isEmpty();
        }
    }

    private static int postOneEvent(Pipeline pipeline) {
        try {
            String body = "{\"events\":[{\"event\":\"user_logged_in\",\"distinct_id\":\"probe\",\"uuid\":\"probe-1\"}]}";
            return HTTP.send(HttpRequest.newBuilder(URI.create(pipeline.ingestUrl()))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> cron(Pipeline pipeline) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(pipeline.baseUrl() + "/api/cron/analytics"))
                .header("Authorization", "Bearer " + pipeline.adminToken()).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
