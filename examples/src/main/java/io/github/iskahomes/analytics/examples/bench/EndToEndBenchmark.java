package io.github.iskahomes.analytics.examples.bench;

import io.github.iskahomes.analytics.batcher.BatcherConfig;
import io.github.iskahomes.analytics.batcher.EventBatcher;
import io.github.iskahomes.analytics.batcher.HttpIngestSink;
import io.github.iskahomes.analytics.batcher.SinkStats;
import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.examples.Flags;
import io.github.iskahomes.analytics.examples.Pipeline;
import io.github.iskahomes.analytics.redis.IngestorConfig;
import io.github.iskahomes.analytics.server.BackingStores;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * End to end over HTTP against in-process, in the same run on the same Redis and the same events: the README's path
 * {@code EventBatcher → HttpIngestSink → HTTP → the example server's IngestHandler → Ingestor → Redis} with
 * 1, 4 (the default) and 8 requests in flight, beside one thread calling {@code Ingestor.ingest} on batches of 200
 * in the same JVM (the in-process rate HTTP is measured against). Redis is flushed before each run, so every run
 * counts the same fresh events; each run must ingest all of them or the benchmark fails.
 *
 * <pre>
 * ./mvnw -q -pl examples -am package -DskipTests
 * java -cp "examples/target/analytics-examples.jar:examples/target/lib/*" \
 *     io.github.iskahomes.analytics.examples.bench.EndToEndBenchmark [--events 200000] [--rounds 3]
 * </pre>
 * Uses {@code ANALYTICS_REDIS_URL} / {@code ANALYTICS_JDBC_URL} when set, otherwise embedded servers.
 */
public final class EndToEndBenchmark {
    private static final int BATCH = 200;

    private EndToEndBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Flags flags = Flags.parse(args);
        int events = flags.integer("events", null, 200_000);
        int rounds = flags.integer("rounds", null, 3);
        int[] inFlight = {1, HttpIngestSink.DEFAULT_MAX_IN_FLIGHT, 8};
        List<List<Event>> warmUp = stamped(IngestBenchmark.batches(40_000, 1));
        List<List<Event>> measured = stamped(IngestBenchmark.batches(events, 7782));
        long n = (long) measured.size() * BATCH;

        try (BackingStores stores = BackingStores.start();
             Pipeline pipeline = Pipeline.start(stores, IngestorConfig.defaults(), 0)) {
            RedisClient client = RedisClient.create(stores.redisUri());
            try (StatefulRedisConnection<String, String> admin = client.connect()) {
                System.out.printf("Redis %s, ingest %s, %d cores, Java %s, %,d events (the demo's mix) per run%n",
                        stores.redisUri(), pipeline.ingestUrl(), Runtime.getRuntime().availableProcessors(),
                        System.getProperty("java.version"), n);
                // Warm-up of both paths (JIT, scripts, connections), not measured.
                admin.sync().flushall();
                inProcess(pipeline, warmUp);
                for (int requests : inFlight) {
                    admin.sync().flushall();
                    overHttp(pipeline, stamped(warmUp), requests);
                }

                for (int round = 1; round <= rounds; round++) {
                    admin.sync().flushall();
                    double local = inProcess(pipeline, measured);
                    System.out.printf("%nround %d%n  in-process Ingestor.ingest, 1 thread: %,8.0f events/s%n", round,
                            local);
                    for (int requests : inFlight) {
                        admin.sync().flushall();
                        double http = overHttp(pipeline, stamped(measured), requests);
                        System.out.printf("  over HTTP, maxInFlight %d:            %,8.0f events/s  = %.2fx in-process%n",
                                requests, http, http / local);
                    }
                }
            } finally {
                client.shutdown();
            }
        }
    }

    /** One thread handing the batches to the ingestor, as an in-process host would; events/s. */
    private static double inProcess(Pipeline pipeline, List<List<Event>> batches) {
        long start = System.nanoTime();
        long ingested = 0;
        for (List<Event> batch : batches) {
            ingested += pipeline.ingestor().ingest(batch).ingested();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        check(ingested == (long) batches.size() * BATCH, "in-process ingested " + ingested);
        return ingested / seconds;
    }

    /** Tracks every event into a batcher posting to the server, then flushes; events/s from first track to flush. */
    private static double overHttp(Pipeline pipeline, List<List<Event>> batches, int maxInFlight)
            throws InterruptedException {
        long total = (long) batches.size() * BATCH;
        long start = System.nanoTime();
        SinkStats stats;
        try (EventBatcher batcher = EventBatcher.builder()
                // A queue that holds the whole run, so the producer (far faster than any backend) drops nothing.
                .config(BatcherConfig.builder().maxQueueSize((int) total).closeTimeout(Duration.ofMinutes(2)).build())
                .sink(HttpIngestSink.builder(URI.create(pipeline.ingestUrl())).maxInFlight(maxInFlight).build())
                .build()) {
            for (List<Event> batch : batches) {
                for (Event event : batch) {
                    batcher.track(event);
                }
            }
            check(batcher.flush(Duration.ofMinutes(5)), "flush timed out");
            stats = batcher.stats().get("ingest");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        check(stats.sent() == total && stats.rejected() == 0 && stats.failed() == 0 && stats.dropped() == 0,
                "over HTTP: " + stats);
        return total / seconds;
    }

    /** The batches with a uuid on every event, as the batcher would stamp them. */
    private static List<List<Event>> stamped(List<List<Event>> batches) {
        List<List<Event>> copy = new ArrayList<>(batches.size());
        for (List<Event> batch : batches) {
            copy.add(batch.stream().map(event -> event.withUuid(UUID.randomUUID().toString())).toList());
        }
        return copy;
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }
}
