package io.github.iskahomes.analytics.examples.bench;

import io.github.iskahomes.analytics.core.BusinessCalendar;
import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.internal.CheckedEvent;
import io.github.iskahomes.analytics.core.internal.EventValidator;
import io.github.iskahomes.analytics.core.internal.MetricContract;
import io.github.iskahomes.analytics.core.internal.Validation;
import io.github.iskahomes.analytics.core.internal.ValidationRules;
import io.github.iskahomes.analytics.examples.demo.TrafficSimulator;
import io.github.iskahomes.analytics.redis.IngestResult;
import io.github.iskahomes.analytics.redis.Ingestor;
import io.github.iskahomes.analytics.redis.IngestorConfig;
import io.github.iskahomes.analytics.testing.EmbeddedRedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Ingest throughput: the Ingestor (validation, dedupe, one Lua script per event and slot, pipelined) against the
 * seed's loop (one awaited command at a time, {@link NaiveIngestor}) on the same Redis, with the same realistic
 * events in batches of 200, next to the ceiling Redis itself reaches for a comparable command mix
 * ({@code shared/bench/redis-ceiling.sh}, run when found).
 *
 * <pre>
 * ./mvnw -q -pl examples -am package -DskipTests
 * java -cp "examples/target/analytics-examples.jar:examples/target/lib/*" \
 *     io.github.iskahomes.analytics.examples.bench.IngestBenchmark [--events 200000] [--naive-events 20000] \
 *     [--mix property_view]
 * </pre>
 * Also prints what the single-threaded run left in Redis per event: {@code used_memory} of {@code INFO memory} and
 * {@code DBSIZE}, from the flushed server to after the run.
 * Uses {@code ANALYTICS_REDIS_URL} when set, otherwise an embedded Redis 6.2.
 */
public final class IngestBenchmark {
    private static final int BATCH = 200;

    private IngestBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> flags = flags(args);
        int events = Integer.parseInt(flags.getOrDefault("events", "200000"));
        int naiveEvents = Integer.parseInt(flags.getOrDefault("naive-events", "20000"));
        String ceilingScript = flags.getOrDefault("ceiling", "../shared/bench/redis-ceiling.sh");
        String mix = flags.getOrDefault("mix", "marketplace");

        String external = System.getenv("ANALYTICS_REDIS_URL");
        EmbeddedRedisServer embedded = external == null ? EmbeddedRedisServer.start() : null;
        String uri = external != null ? external : embedded.uri();
        System.out.printf("Redis %s, %d cores, Java %s%n", uri, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        List<List<Event>> batches = mix.equals("property_view")
                ? propertyViewBatches(events + 40_000, 7782)
                : batches(events + 40_000, 7782);
        System.out.printf("event mix: %s%n", mix.equals("property_view")
                ? "property_view only, as redis-ceiling.sh (20,000 listings, 2,000 listers, 1,000,000 seekers)"
                : "the demo's marketplace mix (views, impressions, leads, profiles, developments, system events)");
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> admin = client.connect();
             Ingestor ingestor = Ingestor.connect(uri, IngestorConfig.builder().keyPrefix("bench:").build())) {
            RedisCommands<String, String> redis = admin.sync();
            System.out.printf("server: redis %s%n", info(redis, "server").get("redis_version"));

            // Warm-up: JIT, script cache, connections (200 batches, not measured).
            redis.flushall();
            for (List<Event> batch : batches.subList(batches.size() - 200, batches.size())) {
                ingestor.ingest(batch);
            }

            List<List<Event>> measured = batches.subList(0, events / BATCH);
            redis.flushall();
            long memoryBefore = Long.parseLong(info(redis, "memory").get("used_memory"));
            long keysBefore = redis.dbsize();
            Map<String, String> before = info(redis, "stats");
            double cpuBefore = redisCpu(redis);
            long start = System.nanoTime();
            long ingested = 0;
            for (List<Event> batch : measured) {
                IngestResult result = ingestor.ingest(batch);
                ingested += result.ingested();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double redisBusy = (redisCpu(redis) - cpuBefore) / seconds;
            Map<String, String> after = info(redis, "stats");
            long n = (long) measured.size() * BATCH;
            check(ingested == n, "ingested " + ingested + " of " + n);
            double ours = n / seconds;
            long clientCommands = delta(before, after, "total_commands_processed");
            long reads = delta(before, after, "total_reads_processed");
            System.out.printf("ingestor, 1 thread:  %,10.0f events/s  (%d events in %.2f s; %.2f client commands/event,"
                    + " %.1f socket reads by Redis per batch of %d)%n", ours, n, seconds, (double) clientCommands / n,
                    (double) reads / measured.size(), BATCH);
            System.out.printf("                     Redis busy %.0f%% of one core during that run%n", redisBusy * 100);
            // What the day's state costs: INFO memory's used_memory and DBSIZE, from the empty server to after the run.
            long memory = Long.parseLong(info(redis, "memory").get("used_memory")) - memoryBefore;
            long keyCount = redis.dbsize() - keysBefore;
            System.out.printf("Redis memory:        %,10.0f bytes and %.2f keys per event  (used_memory +%,d bytes,"
                    + " +%,d keys for %d events)%n", (double) memory / n, (double) keyCount / n, memory, keyCount, n);
            if (flags.containsKey("breakdown")) {
                keyMemory(redis, n);
            }

            redis.flushall();
            cpuBefore = redisCpu(redis);
            start = System.nanoTime();
            double parallel = parallel(ingestor, measured, 4);
            redisBusy = (redisCpu(redis) - cpuBefore) / ((System.nanoTime() - start) / 1e9);
            System.out.printf("ingestor, 4 threads: %,10.0f events/s  (Redis busy %.0f%% of one core)%n", parallel,
                    redisBusy * 100);

            redis.flushall();
            // The same work through the Ingestor again: every event must now be a duplicate (dedupe cost).
            for (List<Event> batch : measured.subList(0, 50)) {
                ingestor.ingest(batch);
            }
            start = System.nanoTime();
            long duplicates = 0;
            for (List<Event> batch : measured.subList(0, 50)) {
                duplicates += ingestor.ingest(batch).duplicates();
            }
            seconds = (System.nanoTime() - start) / 1e9;
            check(duplicates == 50L * BATCH, "duplicates " + duplicates);
            System.out.printf("replayed batches:    %,10.0f events/s, all %d counted as duplicates%n",
                    50.0 * BATCH / seconds, duplicates);

            redis.flushall();
            NaiveIngestor naive = new NaiveIngestor(redis, "naive:");
            EventValidator validator = new EventValidator(ValidationRules.defaults());
            List<Event> naiveStream = measured.stream().flatMap(List::stream).limit(naiveEvents).toList();
            before = info(redis, "stats");
            start = System.nanoTime();
            Instant now = Instant.now();
            for (Event event : naiveStream) {
                Validation validation = validator.validate(event, now);
                if (validation instanceof Validation.Accepted accepted) {
                    naive.apply(MetricContract.plan(accepted.event()));
                }
            }
            seconds = (System.nanoTime() - start) / 1e9;
            after = info(redis, "stats");
            double naiveRate = naiveStream.size() / seconds;
            System.out.printf("naive (seed's loop): %,10.0f events/s  (%d events in %.2f s; %.2f commands/event,"
                    + " one round trip each)%n", naiveRate, naiveStream.size(), seconds,
                    (double) delta(before, after, "total_commands_processed") / naiveStream.size());
            System.out.printf("ingestor / naive:    %10.1fx%n", ours / naiveRate);
        } finally {
            client.shutdown();
            if (embedded != null) {
                embedded.close();
            }
        }
        ceiling(ceilingScript);
    }

    private static double parallel(Ingestor ingestor, List<List<Event>> batches, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long start = System.nanoTime();
            List<Future<Long>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t;
                futures.add(pool.submit(() -> {
                    long done = 0;
                    for (int i = offset; i < batches.size(); i += threads) {
                        done += ingestor.ingest(batches.get(i)).ingested();
                    }
                    return done;
                }));
            }
            long done = 0;
            for (Future<Long> future : futures) {
                done += future.get();
            }
            check(done == (long) batches.size() * BATCH, "parallel ingested " + done);
            return done / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Realistic events of today, in batches of 200, seeded. */
    static List<List<Event>> batches(int events, long seed) {
        TrafficSimulator simulator = new TrafficSimulator(TrafficSimulator.Options.of(events, 1, seed),
                BusinessCalendar.UTC, Instant.now());
        List<List<Event>> batches = new ArrayList<>();
        List<Event> current = new ArrayList<>(BATCH);
        simulator.run(event -> {
            current.add(event);
            if (current.size() == BATCH) {
                batches.add(List.copyOf(current));
                current.clear();
            }
        });
        return batches;
    }

    /** The event mix of {@code redis-ceiling.sh}: property views with a lister, source and login state. */
    static List<List<Event>> propertyViewBatches(int events, long seed) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        String[] sources = {"home", "explore", "search", "direct"};
        io.github.iskahomes.analytics.core.ListerType[] types = io.github.iskahomes.analytics.core.ListerType.values();
        Instant now = Instant.now();
        List<List<Event>> batches = new ArrayList<>();
        List<Event> current = new ArrayList<>(BATCH);
        for (int i = 0; i < events; i++) {
            int lister = random.nextInt(2_000);
            current.add(new Event("property_view", String.format("seeker-%07d", random.nextInt(1_000_000)),
                    now.minusMillis(random.nextInt(60_000)), java.util.UUID.randomUUID().toString(), Map.of(
                    "listing_id", String.format("listing-%05d", random.nextInt(20_000)),
                    "lister_id", String.format("lister-%04d", lister),
                    "lister_type", types[lister % types.length].wireName(),
                    "viewed_from", sources[random.nextInt(sources.length)],
                    "is_logged_in", random.nextBoolean())));
            if (current.size() == BATCH) {
                batches.add(List.copyOf(current));
                current.clear();
            }
        }
        return batches;
    }

    private static void ceiling(String script) throws Exception {
        Path path = Path.of(script);
        if (!Files.isRegularFile(path)) {
            System.out.println("ceiling: " + script + " not found; run shared/bench/redis-ceiling.sh to compare");
            return;
        }
        Process process = new ProcessBuilder("bash", path.toString()).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            out.lines().forEach(line -> System.out.println("ceiling: " + line));
        }
        process.waitFor();
    }

    /**
     * Where the bytes are: {@code MEMORY USAGE ... SAMPLES 0} of every key, summed per kind of key (the key with its
     * hash tags, day and shard numbers blanked) and encoding, per event of the run.
     */
    private static void keyMemory(RedisCommands<String, String> redis, long events) {
        Map<String, long[]> kinds = new TreeMap<>();
        io.lettuce.core.ScanCursor cursor = io.lettuce.core.ScanCursor.INITIAL;
        do {
            io.lettuce.core.KeyScanCursor<String> page = redis.scan(cursor, io.lettuce.core.ScanArgs.Builder.limit(1000));
            for (String key : page.getKeys()) {
                String kind = key.replaceAll("\\{[^}]*}", "{}").replaceAll("\\d{8}", "D").replaceAll(":\\d+$", ":n")
                        + " (" + redis.type(key) + ", " + redis.objectEncoding(key) + ")";
                long[] sums = kinds.computeIfAbsent(kind, k -> new long[2]);
                sums[0]++;
                sums[1] += (Long) redis.dispatch(io.lettuce.core.protocol.CommandType.MEMORY,
                        new io.lettuce.core.output.IntegerOutput<>(io.lettuce.core.codec.StringCodec.UTF8),
                        new io.lettuce.core.protocol.CommandArgs<>(io.lettuce.core.codec.StringCodec.UTF8)
                                .add("USAGE").addKey(key).add("SAMPLES").add(0));
            }
            cursor = page;
        } while (!cursor.isFinished());
        long total = 0;
        System.out.printf("  %-62s %9s %9s %10s%n", "key kind (type, encoding)", "keys", "B/key", "B/event");
        for (Map.Entry<String, long[]> kind : kinds.entrySet()) {
            long[] sums = kind.getValue();
            total += sums[1];
            System.out.printf("  %-62s %,9d %9.0f %10.1f%n", kind.getKey(), sums[0], (double) sums[1] / sums[0],
                    (double) sums[1] / events);
        }
        System.out.printf("  %-62s %9s %9s %10.1f%n", "all keys (MEMORY USAGE)", "", "", (double) total / events);
    }

    private static Map<String, String> info(RedisCommands<String, String> redis, String section) {
        Map<String, String> values = new TreeMap<>();
        for (String line : redis.info(section).split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                values.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return values;
    }

    /** CPU seconds the Redis server has used so far. */
    private static double redisCpu(RedisCommands<String, String> redis) {
        Map<String, String> cpu = info(redis, "cpu");
        return Double.parseDouble(cpu.get("used_cpu_user")) + Double.parseDouble(cpu.get("used_cpu_sys"));
    }

    private static long delta(Map<String, String> before, Map<String, String> after, String key) {
        return Long.parseLong(after.getOrDefault(key, "0")) - Long.parseLong(before.getOrDefault(key, "0"));
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException("benchmark self-check failed: " + message);
        }
    }

    /** The benchmarks' {@code --name value} flags. */
    static Map<String, String> flags(String[] args) {
        return io.github.iskahomes.analytics.examples.Flags.parse(args).values();
    }
}
