package io.github.iskahomes.analytics.examples.bench;

import com.posthog.server.PostHog;
import com.posthog.server.PostHogCaptureOptions;
import com.posthog.server.PostHogConfig;
import com.posthog.server.PostHogInterface;
import com.segment.analytics.Analytics;
import com.segment.analytics.messages.TrackMessage;
import io.github.iskahomes.analytics.batcher.BatcherConfig;
import io.github.iskahomes.analytics.batcher.EventBatcher;
import io.github.iskahomes.analytics.batcher.HttpIngestSink;
import io.github.iskahomes.analytics.batcher.IngestorSink;
import io.github.iskahomes.analytics.batcher.SinkStats;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code track()} throughput and latency of the {@link EventBatcher} beside Segment's analytics-java
 * ({@code Analytics.offer}, its non-blocking enqueue) and PostHog's server SDK ({@code capture}), all enqueueing the
 * same {@code property_view} event and sending to the same local endpoint ({@link BatcherBenchServer}) with the same
 * batching: 200 events per request, every 3 s, at most 10,000 queued.
 *
 * <p>Run from the repository root (both thread counts, both modes, about 4 minutes on 2 cores):
 * <pre>
 * ./mvnw -q -pl examples -am package -DskipTests
 * java -cp "examples/target/analytics-examples.jar:examples/target/lib/*" \
 *     io.github.iskahomes.analytics.examples.bench.BatcherBenchmark
 * </pre>
 * or any JMH selection: {@code java -cp … org.openjdk.jmh.Main BatcherBenchmark -t 4 -wi 2 -i 3 -f 1 -r 2s}.
 */
@State(Scope.Benchmark)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=error"})
public class BatcherBenchmark {
    private static final int FLUSH_AT = 200;
    private static final int MAX_QUEUE = 10_000;
    private static final int IDS = 1024;

    /** Which client enqueues. */
    @Param({"iska-batcher", "iska-no-drop", "segment", "posthog"})
    public String client;

    private BatcherBenchServer endpoint;
    private Tracking tracking;
    private final String[] seekers = new String[IDS];
    private final Map<String, Object> properties = new LinkedHashMap<>();
    private long trialStart;

    /** The one call each client gets per operation. */
    private interface Tracking extends AutoCloseable {
        void track(String distinctId, Map<String, Object> properties);

        /** What the client says it delivered and dropped, for the closing line; may be empty. */
        default String report() {
            return "";
        }

        @Override
        void close();
    }

    @Setup(Level.Trial)
    public void setUp() {
        for (int i = 0; i < IDS; i++) {
            seekers[i] = "seeker-" + i;
        }
        properties.put("listing_id", "listing-123");
        properties.put("lister_id", "dev-1");
        properties.put("lister_type", "developer");
        properties.put("viewed_from", "home");
        properties.put("is_logged_in", true);
        endpoint = new BatcherBenchServer();
        tracking = switch (client) {
            case "iska-batcher" -> iska(endpoint);
            case "iska-no-drop" -> iskaNoDrop();
            case "segment" -> segment(endpoint);
            case "posthog" -> posthog(endpoint);
            default -> throw new IllegalArgumentException("unknown client " + client);
        };
        trialStart = System.nanoTime();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        double seconds = (System.nanoTime() - trialStart) / 1e9;
        tracking.close();
        System.out.printf("%n[%s] endpoint received %,d events in %,d requests over %.0f s (%,.0f events/s) %s%n",
                client, endpoint.events(), endpoint.requests(), seconds, endpoint.events() / seconds,
                tracking.report());
        endpoint.close();
    }

    /** Per-thread position in the id table, so threads do not share a counter. */
    @State(Scope.Thread)
    public static class Cursor {
        int next = (int) Thread.currentThread().getId() * 7919;
    }

    /** Calls per second. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public void trackThroughput(Cursor cursor) {
        tracking.track(seekers[(cursor.next++) & (IDS - 1)], properties);
    }

    /** The time of one call, sampled: percentiles show the stalls a caller sees. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public void trackLatency(Cursor cursor) {
        tracking.track(seekers[(cursor.next++) & (IDS - 1)], properties);
    }

    private static Tracking iska(BatcherBenchServer endpoint) {
        EventBatcher batcher = EventBatcher.builder()
                .config(BatcherConfig.builder().flushAt(FLUSH_AT).flushInterval(Duration.ofSeconds(3))
                        .maxQueueSize(MAX_QUEUE).build())
                .sink(HttpIngestSink.builder(endpoint.uri("/api/ingest/posthog")).build())
                .build();
        return new Tracking() {
            @Override
            public void track(String distinctId, Map<String, Object> properties) {
                batcher.track("property_view", distinctId, properties);
            }

            @Override
            public String report() {
                SinkStats stats = batcher.stats().get("ingest");
                return String.format("(batcher: %,d tracked, %,d sent, %,d dropped as queue full)", stats.enqueued(),
                        stats.sent(), stats.dropped());
            }

            @Override
            public void close() {
                batcher.close();
            }
        };
    }

    /**
     * The batcher with a sink that accepts at once, so its queue is drained faster than it fills: the cost of
     * {@code track()} when events are queued, not dropped (under the local endpoint every client's queue is full
     * most of the time, and a drop is cheaper than an enqueue).
     */
    private static Tracking iskaNoDrop() {
        EventBatcher batcher = EventBatcher.builder()
                .config(BatcherConfig.builder().flushAt(FLUSH_AT).flushInterval(Duration.ofSeconds(3))
                        .maxQueueSize(MAX_QUEUE).build())
                .sink(IngestorSink.ignoringRejections("discard", events -> { }))
                .build();
        return new Tracking() {
            @Override
            public void track(String distinctId, Map<String, Object> properties) {
                batcher.track("property_view", distinctId, properties);
            }

            @Override
            public String report() {
                SinkStats stats = batcher.stats().get("discard");
                return String.format("(batcher: %,d tracked, %,d handed to the sink, %,d dropped as queue full)",
                        stats.enqueued(), stats.sent(), stats.dropped());
            }

            @Override
            public void close() {
                batcher.close();
            }
        };
    }

    private static Tracking segment(BatcherBenchServer endpoint) {
        Analytics analytics = Analytics.builder("bench-write-key")
                .endpoint(endpoint.uri("").toString())
                .flushQueueSize(FLUSH_AT)
                .flushInterval(3, TimeUnit.SECONDS)
                .queueCapacity(MAX_QUEUE)
                .build();
        long[] refused = new long[1];
        return new Tracking() {
            @Override
            public void track(String distinctId, Map<String, Object> properties) {
                // offer() is Segment's non-blocking enqueue (enqueue() blocks when the queue is full).
                if (!analytics.offer(TrackMessage.builder("property_view").userId(distinctId).properties(properties))) {
                    refused[0]++;
                }
            }

            @Override
            public String report() {
                return String.format("(segment: offer refused about %,d events)", refused[0]);
            }

            @Override
            public void close() {
                analytics.flush();
                analytics.shutdown();
            }
        };
    }

    private static Tracking posthog(BatcherBenchServer endpoint) {
        PostHogConfig config = PostHogConfig.builder("phc_bench")
                .host(endpoint.uri("").toString())
                .flushAt(FLUSH_AT)
                .maxBatchSize(FLUSH_AT)
                .maxQueueSize(MAX_QUEUE)
                .flushIntervalSeconds(3)
                .preloadFeatureFlags(false)
                .remoteConfig(false)
                .sendFeatureFlagEvent(false)
                .build();
        PostHogInterface posthog = PostHog.with(config);
        return new Tracking() {
            @Override
            public void track(String distinctId, Map<String, Object> properties) {
                posthog.capture(distinctId, "property_view",
                        PostHogCaptureOptions.builder().properties(properties).build());
            }

            @Override
            public void close() {
                posthog.flush();
                posthog.close();
            }
        };
    }

    /**
     * Runs the comparison from 1 and from 4 threads and prints one table: ops/s and latency percentiles per client.
     * Arguments are passed to JMH after the defaults (for example {@code -r 5s} for longer iterations).
     */
    public static void main(String[] args) throws Exception {
        for (int threads : new int[] {1, 4}) {
            Options options = new OptionsBuilder()
                    .include(BatcherBenchmark.class.getName() + ".track")
                    .threads(threads)
                    .warmupIterations(2).warmupTime(TimeValue.seconds(2))
                    .measurementIterations(3).measurementTime(TimeValue.seconds(2))
                    .forks(1)
                    .build();
            Collection<RunResult> results = new Runner(options).run();
            print(threads, results);
        }
    }

    private static void print(int threads, Collection<RunResult> results) {
        System.out.printf("%n=== track() from %d thread(s) ===%n", threads);
        System.out.printf("%-14s %16s %12s %12s %12s %12s%n", "client", "ops/s", "p50 ns", "p99 ns", "p99.9 ns",
                "mean ns");
        Map<String, double[]> rows = new LinkedHashMap<>();
        for (RunResult result : results) {
            String clientName = result.getParams().getParam("client");
            double[] row = rows.computeIfAbsent(clientName, k -> new double[5]);
            var primary = result.getPrimaryResult();
            if (result.getParams().getMode() == Mode.Throughput) {
                row[0] = primary.getScore();
            } else {
                var stats = primary.getStatistics();
                double factor = nanosPer(primary.getScoreUnit());
                row[1] = stats.getPercentile(50) * factor;
                row[2] = stats.getPercentile(99) * factor;
                row[3] = stats.getPercentile(99.9) * factor;
                row[4] = stats.getMean() * factor;
            }
        }
        rows.forEach((name, row) -> System.out.printf("%-14s %,16.0f %,12.0f %,12.0f %,12.0f %,12.0f%n", name, row[0],
                row[1], row[2], row[3], row[4]));
    }

    private static double nanosPer(String unit) {
        if (unit.startsWith("ns")) {
            return 1;
        }
        if (unit.startsWith("us")) {
            return 1_000;
        }
        if (unit.startsWith("ms")) {
            return 1_000_000;
        }
        return 1_000_000_000;
    }
}
