package io.github.iskahomes.analytics.examples.bench;

import io.github.iskahomes.analytics.batcher.BatcherConfig;
import io.github.iskahomes.analytics.batcher.EventBatcher;
import io.github.iskahomes.analytics.batcher.HttpIngestSink;
import io.github.iskahomes.analytics.batcher.PostHogSink;
import io.github.iskahomes.analytics.batcher.SinkStats;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Heap with a dead backend: tracks 10,000 events/s for 60 s into a batcher whose two sinks (ingest and PostHog) point
 * at a closed port, and prints the used heap after a full GC every 5 s. The heap must level off once both queues hold
 * {@link BatcherConfig#maxQueueSize()} events; everything past that is counted as dropped.
 *
 * <pre>
 * ./mvnw -q -pl examples -am package -DskipTests
 * java -Xmx256m -cp "examples/target/analytics-examples.jar:examples/target/lib/*" \
 *     io.github.iskahomes.analytics.examples.bench.BatcherHeapBench [seconds] [events-per-second]
 * </pre>
 */
public final class BatcherHeapBench {
    private BatcherHeapBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        URI dead = deadUri();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long baseline = memory.getHeapMemoryUsage().getUsed();
        System.out.printf("dead endpoint %s, %,d events/s for %d s, queue bound %,d per sink, Java %s, %d cores%n",
                dead, rate, seconds, BatcherConfig.DEFAULT_MAX_QUEUE_SIZE, System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors());
        System.out.printf("%5s %12s %14s %12s %12s %10s%n", "t(s)", "tracked", "used heap MiB", "queued", "dropped",
                "retried");
        System.out.printf("%5d %,12d %,14.1f %12s %12s %10s%n", 0, 0, baseline / 1048576.0, "-", "-", "-");

        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("listing_id", "listing-123");
        properties.put("lister_id", "dev-1");
        properties.put("lister_type", "developer");
        properties.put("viewed_from", "home");
        properties.put("is_logged_in", true);

        try (EventBatcher batcher = EventBatcher.builder()
                .config(BatcherConfig.builder().closeTimeout(Duration.ofSeconds(1)).build())
                .sink(HttpIngestSink.builder(dead).connectTimeout(Duration.ofSeconds(1)).build())
                .sink(PostHogSink.builder("phc_heap").host(URI.create(dead.getScheme() + "://" + dead.getAuthority()))
                        .connectTimeout(Duration.ofSeconds(1)).build())
                .build()) {
            long start = System.nanoTime();
            long tracked = 0;
            long nextReport = 5;
            // 10 events per tick of 1 ms: an even 10,000/s without a busy loop.
            int perTick = Math.max(1, rate / 1000);
            long tickNanos = TimeUnit.SECONDS.toNanos(1) * perTick / rate;
            long nextTick = start;
            while (true) {
                long now = System.nanoTime();
                long elapsed = now - start;
                if (elapsed >= TimeUnit.SECONDS.toNanos(seconds)) {
                    break;
                }
                if (elapsed >= TimeUnit.SECONDS.toNanos(nextReport)) {
                    System.gc();
                    long used = memory.getHeapMemoryUsage().getUsed();
                    long queued = 0;
                    long dropped = 0;
                    long retried = 0;
                    for (SinkStats stats : batcher.stats().values()) {
                        queued += stats.pending();
                        dropped += stats.dropped();
                        retried += stats.retried();
                    }
                    System.out.printf("%5d %,12d %,14.1f %,12d %,12d %,10d%n", nextReport, tracked, used / 1048576.0,
                            queued, dropped, retried);
                    nextReport += 5;
                }
                for (int i = 0; i < perTick; i++) {
                    batcher.track("property_view", "seeker-" + (tracked & 1023), properties);
                    tracked++;
                }
                nextTick += tickNanos;
                long wait = nextTick - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            System.out.printf("tracked %,d in %d s; stats %s%n", tracked, seconds, batcher.stats());
        }
    }

    private static URI deadUri() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/api/ingest/posthog");
        }
    }
}
