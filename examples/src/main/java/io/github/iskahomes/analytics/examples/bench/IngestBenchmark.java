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
import io.github.iskahomes.analytics.testing.EmbeddedRedisCluster;
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
 * Ingest throughput and Redis memory per event of the Ingestor, next to the code it replaces and to the ceiling Redis
 * itself reaches ({@code shared/bench/redis-ceiling.sh}), all measured in one run and printed as one final table.
 *
 * <pre>
 * ./mvnw -q -pl examples -am package -DskipTests
 * java -cp "examples/target/analytics-examples.jar:examples/target/lib/*" \
 *     io.github.iskahomes.analytics.examples.bench.IngestBenchmark --events 100000 --mix property_view \
 *     [--cluster] [--baseline-lib /tmp/old-30bd6c5/examples/target/lib] [--ceiling ../shared/bench/redis-ceiling.sh] \
 *     [--naive-events 1000] [--breakdown] [--rounds 3] [--warmup-passes 5]
 * </pre>
 *
 * Each side is measured in a JVM of its own with a fresh embedded Redis 6.2 (and, with {@code --cluster}, a fresh
 * 3-master embedded Redis Cluster): this benchmark's own code runs in both, with this build's libraries for "new" and
 * the libraries of {@code --baseline-lib} (an older build's {@code examples/target/lib}) for "old", so the two differ
 * only in the library under test. Per side: 1 and 4 ingesting threads over the same seeded events in batches of 200,
 * Redis memory and keys per event ({@code INFO memory}'s {@code used_memory} and {@code DBSIZE} from the flushed
 * server to after the single-threaded run; on the Cluster summed over the masters), and with {@code --breakdown}
 * {@code MEMORY USAGE} per kind of key. The load average is printed beside the figures: the rates are only
 * comparable within one run; {@code --rounds n} lets old, new and the ceiling script take turns n times and reports
 * each figure's median, then each target's ratio per round (new against that round's old and ceiling) and its median.
 * Before the standalone runs, {@code --warmup-passes} (default 5) passes over 200 batches, each on a flushed Redis, let
 * the JIT compile the ingest path, so that the figures are a long-running ingestor's; the client's CPU per event is
 * printed with its GC and JIT threads' share beside it.
 * Uses {@code ANALYTICS_REDIS_URL} instead of the embedded Redis when set.
 */
public final class IngestBenchmark {
    private static final int BATCH = 200;

    private IngestBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> flags = flags(args);
        if (flags.containsKey("measure")) {
            measure(flags);
            return;
        }
        List<String> passOn = new ArrayList<>();
        for (String flag : List.of("events", "naive-events", "mix", "cluster", "breakdown", "warmup-passes")) {
            if (flags.containsKey(flag)) {
                passOn.add("--" + flag);
                passOn.add(flags.get(flag));
            }
        }
        passOn.add("--measure");
        passOn.add("true");
        String ownJar = Path.of(IngestBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        System.out.printf("load average at start: %s%n", load());
        int rounds = Integer.parseInt(flags.getOrDefault("rounds", "1"));
        List<Map<String, String>> olds = new ArrayList<>();
        List<Map<String, String>> nows = new ArrayList<>();
        String baseline = flags.get("baseline-lib");
        String script = flags.getOrDefault("ceiling", "../shared/bench/redis-ceiling.sh");
        List<Map<String, String>> ceilings = new ArrayList<>();
        // Old, new and the ceiling take turns, so that a change of the machine's speed hits all three alike: each
        // figure is the median, and each ratio is also taken within its round (the machine's speed moved by half
        // within minutes, so a ratio of two rounds' figures can be far from either round's).
        for (int round = 1; round <= rounds; round++) {
            if (baseline != null) {
                System.out.printf("== old, round %d of %d: this benchmark with the libraries in %s%n", round, rounds,
                        baseline);
                olds.add(side(ownJar + java.io.File.pathSeparator + Path.of(baseline).resolve("*"), passOn));
            }
            System.out.printf("== new, round %d of %d: this build%n", round, rounds);
            nows.add(side(System.getProperty("java.class.path"), passOn));
            Map<String, String> ceiling = ceiling(script);
            if (!ceiling.isEmpty()) {
                ceilings.add(ceiling);
            }
        }
        Map<String, String> old = baseline == null ? null : median(olds);
        Map<String, String> now = median(nows);
        Map<String, String> ceiling = ceilings.isEmpty() ? Map.of() : median(ceilings);
        System.out.printf("load average at end: %s%n", load());
        table(old, now, ceiling, flags.getOrDefault("mix", "marketplace"), rounds);
        perRound(olds, nows, ceilings);
    }

    /**
     * The ratios the targets are stated in, each taken within one round (new against old and against that round's
     * ceiling), and their medians.
     */
    private static void perRound(List<Map<String, String>> olds, List<Map<String, String>> nows,
                                 List<Map<String, String>> ceilings) {
        if (!olds.isEmpty()) {
            System.out.println("per round, new / old, 4 threads: " + ratios(nows, olds, "rate4", "rate4"));
        }
        if (ceilings.size() == nows.size()) {
            System.out.println("per round, new / plain-command ceiling, 1 thread: "
                    + ratios(nows, ceilings, "rate1", "commands"));
            System.out.println("per round, new / plain-command ceiling, 4 threads: "
                    + ratios(nows, ceilings, "rate4", "commands"));
        }
    }

    /** {@code a[i].key / b[i].of} per round, then their median (the lower middle one of an even number). */
    private static String ratios(List<Map<String, String>> a, List<Map<String, String>> b, String key, String of) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            ratios.add(Double.parseDouble(a.get(i).get(key)) / Double.parseDouble(b.get(i).get(of)));
        }
        List<String> each = ratios.stream().map(r -> String.format("%.2fx", r)).toList();
        double median = lowerMiddle(ratios.stream().sorted().toList());
        return String.join(", ", each) + String.format(" (median %.2fx)", median);
    }

    /** The median of sorted values: the middle one, the lower middle one of an even number. */
    private static <T> T lowerMiddle(List<T> sorted) {
        return sorted.get((sorted.size() - 1) / 2);
    }

    /** Per figure, the median over the rounds (the lower middle one of an even number; text figures: the first). */
    private static Map<String, String> median(List<Map<String, String>> rounds) {
        Map<String, String> median = new TreeMap<>();
        for (String key : rounds.get(0).keySet()) {
            List<String> values = rounds.stream().map(r -> r.get(key)).filter(java.util.Objects::nonNull).toList();
            try {
                median.put(key, lowerMiddle(values.stream()
                        .sorted(java.util.Comparator.comparingDouble(Double::parseDouble)).toList()));
            } catch (NumberFormatException e) {
                median.put(key, values.get(0));
            }
        }
        return median;
    }

    /** Runs one side in a JVM of its own, echoing its output; returns its {@code RESULT name value} lines. */
    private static Map<String, String> side(String classPath, List<String> flags) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", classPath, IngestBenchmark.class.getName()));
        command.addAll(flags);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Map<String, String> results = new TreeMap<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            out.lines().forEach(line -> {
                if (line.startsWith("RESULT ")) {
                    String[] parts = line.split(" ");
                    results.put(parts[1], parts[2]);
                } else if (!line.contains(" DEBUG ") && !line.startsWith("[main] DEBUG")) {
                    System.out.println("  " + line);
                }
            });
        }
        check(process.waitFor() == 0, "a measuring JVM failed: " + command);
        return results;
    }

    /** The final table: old, new, the ceiling, and the ratios the targets are stated in. */
    private static void table(Map<String, String> old, Map<String, String> now, Map<String, String> ceiling,
                              String mix, int rounds) {
        System.out.printf("%n== %s mix, %s events, median of %s; load average now %s%n", mix, now.get("events"),
                rounds == 1 ? "1 round" : rounds + " rounds", load());
        System.out.printf("%-44s %14s %14s %10s%n", "", "old", "new", "new / old");
        row("ingest, 1 thread (events/s)", old, now, "rate1", "%,.0f");
        row("ingest, 4 threads (events/s)", old, now, "rate4", "%,.0f");
        row("Redis busy, 1 / 4 threads (% of a core)", old, now, "busy", "%s");
        row("CPU per event, client JVM, 1 thread (µs)", old, now, "clientCpu", "%.1f");
        row("  the same without its GC and JIT threads (µs)", old, now, "clientWork", "%.1f");
        row("CPU per event, Redis, 1 thread (µs)", old, now, "redisCpu", "%.1f");
        row("commands per event inside the scripts", old, now, "commands", "%.2f");
        row("Redis memory per event, standalone (bytes)", old, now, "memory", "%.0f");
        row("keys per event, standalone", old, now, "keys", "%.2f");
        row("Cluster (3 masters), ingest 1 thread (events/s)", old, now, "clusterRate1", "%,.0f");
        row("Cluster, ingest 4 threads (events/s)", old, now, "clusterRate4", "%,.0f");
        row("Redis memory per event, Cluster (bytes)", old, now, "clusterMemory", "%.0f");
        row("keys per event, Cluster", old, now, "clusterKeys", "%.2f");
        String commands = ceiling.get("commands");
        if (commands != null) {
            double limit = Double.parseDouble(commands);
            System.out.printf("ceiling (redis-ceiling.sh, same run, after each round; median): %,.0f events/s plain"
                    + " commands, %s events/s one script per event%n", limit, ceiling.getOrDefault("lua", "?"));
            System.out.printf("new / plain-command ceiling: 1 thread %.2fx, 4 threads %.2fx%n",
                    Double.parseDouble(now.get("rate1")) / limit, Double.parseDouble(now.get("rate4")) / limit);
            if (old != null) {
                System.out.printf("old / plain-command ceiling: 1 thread %.2fx, 4 threads %.2fx%n",
                        Double.parseDouble(old.get("rate1")) / limit, Double.parseDouble(old.get("rate4")) / limit);
            }
        }
    }

    private static void row(String label, Map<String, String> old, Map<String, String> now, String key, String form) {
        String o = old == null ? null : old.get(key);
        String n = now.get(key);
        if (o == null && n == null) {
            return;
        }
        String ratio = o != null && n != null && !key.equals("busy")
                ? String.format("%.2fx", Double.parseDouble(n) / Double.parseDouble(o)) : "";
        System.out.printf("%-44s %14s %14s %10s%n", label, format(o, form), format(n, form), ratio);
    }

    private static String format(String value, String form) {
        if (value == null) {
            return "-";
        }
        return form.equals("%s") ? value : String.format(form, Double.parseDouble(value));
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    /** One side's measurements, printed for people and as {@code RESULT name value} lines for the table. */
    private static void measure(Map<String, String> flags) throws Exception {
        int events = Integer.parseInt(flags.getOrDefault("events", "200000"));
        int naiveEvents = Integer.parseInt(flags.getOrDefault("naive-events", "0"));
        String mix = flags.getOrDefault("mix", "marketplace");
        List<List<Event>> batches = mix.equals("property_view")
                ? propertyViewBatches(events + 40_000, 7782)
                : batches(events + 40_000, 7782);
        List<List<Event>> measured = batches.subList(0, events / BATCH);
        List<List<Event>> warmUp = batches.subList(batches.size() - 200, batches.size());
        long n = (long) measured.size() * BATCH;
        System.out.printf("event mix: %s; Java %s, %d cores%n", mix.equals("property_view")
                ? "property_view only, as redis-ceiling.sh (20,000 listings, 2,000 listers, 1,000,000 seekers)"
                : "the demo's marketplace mix (views, impressions, leads, profiles, developments, system events)",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        System.out.println("RESULT events " + n);
        standalone(flags, measured, warmUp, naiveEvents);
        if (flags.containsKey("cluster")) {
            cluster(measured, warmUp, flags.containsKey("breakdown"));
        }
    }

    private static void standalone(Map<String, String> flags, List<List<Event>> measured, List<List<Event>> warmUp,
                                   int naiveEvents) throws Exception {
        String external = System.getenv("ANALYTICS_REDIS_URL");
        EmbeddedRedisServer embedded = external == null ? EmbeddedRedisServer.start() : null;
        String uri = external != null ? external : embedded.uri();
        RedisClient client = RedisClient.create(uri);
        Ingestor ingestor = connect(uri);
        try (StatefulRedisConnection<String, String> admin = client.connect()) {
            RedisCommands<String, String> redis = admin.sync();
            System.out.printf("standalone: redis %s at %s%n", info(redis, "server").get("redis_version"), uri);

            // Warm-up: JIT, script cache, connections (200 batches per pass, not measured). With one pass, C2 still
            // compiled the writer during the measured run: 33 µs of JIT CPU per event beside 16 of work and 3 of GC.
            int passes = Integer.parseInt(flags.getOrDefault("warmup-passes", "5"));
            for (int pass = 0; pass < passes; pass++) {
                redis.flushall();
                for (List<Event> batch : warmUp) {
                    ingestor.ingest(batch);
                }
            }

            redis.flushall();
            // A fresh Ingestor for every measured run on a flushed Redis: its metadata cache must not remember
            // writes that the flush took away.
            ingestor = renew(ingestor, uri);
            long memoryBefore = Long.parseLong(info(redis, "memory").get("used_memory"));
            long keysBefore = redis.dbsize();
            Map<String, String> before = info(redis, "stats");
            Map<String, String> commandsBefore = info(redis, "commandstats");
            double cpuBefore = redisCpu(redis);
            long clientBefore = clientCpu();
            double[] gcAndJitBefore = AggregatorBenchmark.jvmThreadSeconds();
            long start = System.nanoTime();
            long ingested = 0;
            for (List<Event> batch : measured) {
                ingested += ingestor.ingest(batch).ingested();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double redisSeconds = redisCpu(redis) - cpuBefore;
            double clientMicros = (clientCpu() - clientBefore) / 1e3 / ((long) measured.size() * BATCH);
            // The JIT still compiles during a run of a few seconds, and its CPU is the process's: the work per
            // event is what is left without the compiler's and the collector's threads.
            double[] gcAndJit = AggregatorBenchmark.jvmThreadSeconds();
            double gcMicros = (gcAndJit[0] - gcAndJitBefore[0]) * 1e6 / ((long) measured.size() * BATCH);
            double jitMicros = (gcAndJit[1] - gcAndJitBefore[1]) * 1e6 / ((long) measured.size() * BATCH);
            double busy1 = redisSeconds / seconds;
            Map<String, String> after = info(redis, "stats");
            long n = (long) measured.size() * BATCH;
            check(ingested == n, "ingested " + ingested + " of " + n);
            double ours = n / seconds;
            long clientCommands = delta(before, after, "total_commands_processed");
            double inside = (scriptCommands(info(redis, "commandstats")) - scriptCommands(commandsBefore)) / (double) n;
            System.out.printf("ingestor, 1 thread:  %,10.0f events/s  (%d events in %.2f s; %.2f client commands/event,"
                    + " %.2f commands/event inside the scripts; Redis busy %.0f%% of one core)%n", ours, n, seconds,
                    (double) clientCommands / n, inside, busy1 * 100);
            // What the day's state costs: INFO memory's used_memory and DBSIZE, from the empty server to after the run.
            long memory = Long.parseLong(info(redis, "memory").get("used_memory")) - memoryBefore;
            long keyCount = redis.dbsize() - keysBefore;
            System.out.printf("Redis memory:        %,10.0f bytes and %.2f keys per event  (used_memory +%,d bytes,"
                    + " +%,d keys for %d events)%n", (double) memory / n, (double) keyCount / n, memory, keyCount, n);
            if (flags.containsKey("breakdown")) {
                keyMemory(redis, n);
                commandTime(commandsBefore, info(redis, "commandstats"), n);
            }

            warmUpFourCallers(ingestor, warmUp, redis::flushall);
            ingestor = renew(ingestor, uri);
            cpuBefore = redisCpu(redis);
            start = System.nanoTime();
            double parallel = parallel(ingestor, measured, 4);
            double busy4 = (redisCpu(redis) - cpuBefore) / ((System.nanoTime() - start) / 1e9);
            System.out.printf("ingestor, 4 threads: %,10.0f events/s  (Redis busy %.0f%% of one core)%n", parallel,
                    busy4 * 100);
            double redisMicros = redisSeconds * 1e6 / n;
            System.out.printf("CPU per event, 1 thread: client (this JVM, all threads) %.1f µs (GC %.1f, JIT %.1f),"
                    + " Redis %.1f µs%n", clientMicros, gcMicros, jitMicros, redisMicros);
            System.out.printf("RESULT rate1 %.1f%nRESULT rate4 %.1f%nRESULT busy %.0f%%/%.0f%%%nRESULT commands %.3f%n"
                    + "RESULT memory %.1f%nRESULT keys %.3f%nRESULT clientCpu %.2f%nRESULT clientWork %.2f%n"
                    + "RESULT redisCpu %.2f%n", ours, parallel, busy1 * 100, busy4 * 100, inside, (double) memory / n,
                    (double) keyCount / n, clientMicros, clientMicros - gcMicros - jitMicros, redisMicros);

            redis.flushall();
            ingestor = renew(ingestor, uri);
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

            if (naiveEvents > 0) {
                naive(redis, measured, naiveEvents, ours);
            }
        } finally {
            ingestor.close();
            client.shutdown();
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    private static Ingestor connect(String uri) {
        return Ingestor.connect(uri, IngestorConfig.builder().keyPrefix("bench:").build());
    }

    /** Closes {@code old} and connects a new Ingestor: one without anything remembered from earlier runs. */
    private static Ingestor renew(Ingestor old, String uri) {
        old.close();
        return connect(uri);
    }

    /** The same events on a fresh 3-master Cluster: rates, and memory summed over the masters. */
    private static void cluster(List<List<Event>> measured, List<List<Event>> warmUp, boolean breakdown)
            throws Exception {
        try (EmbeddedRedisCluster cluster = EmbeddedRedisCluster.start()) {
            List<RedisClient> clients = new ArrayList<>();
            List<RedisCommands<String, String>> masters = new ArrayList<>();
            for (String node : cluster.nodeUris()) {
                RedisClient client = RedisClient.create(node);
                clients.add(client);
                masters.add(client.connect().sync());
            }
            String seeds = String.join(",", cluster.nodeUris().stream().map(u -> u.substring("redis://".length()))
                    .toList());
            String uri = "redis-cluster://" + seeds;
            Ingestor ingestor = connect(uri);
            try {
                for (List<Event> batch : warmUp.subList(0, 50)) {
                    ingestor.ingest(batch);
                }
                masters.forEach(RedisCommands::flushall);
                ingestor = renew(ingestor, uri);
                long memoryBefore = 0;
                long keysBefore = 0;
                for (RedisCommands<String, String> master : masters) {
                    memoryBefore += Long.parseLong(info(master, "memory").get("used_memory"));
                    keysBefore += master.dbsize();
                }
                long start = System.nanoTime();
                long ingested = 0;
                for (List<Event> batch : measured) {
                    ingested += ingestor.ingest(batch).ingested();
                }
                double rate = ingested / ((System.nanoTime() - start) / 1e9);
                long n = (long) measured.size() * BATCH;
                check(ingested == n, "cluster ingested " + ingested + " of " + n);
                long memory = -memoryBefore;
                long keys = -keysBefore;
                for (RedisCommands<String, String> master : masters) {
                    memory += Long.parseLong(info(master, "memory").get("used_memory"));
                    keys += master.dbsize();
                }
                System.out.printf("Cluster, 1 thread:   %,10.0f events/s; Redis memory %,.0f bytes and %.2f keys per"
                        + " event (used_memory +%,d bytes and +%,d keys over 3 masters)%n", rate, (double) memory / n,
                        (double) keys / n, memory, keys);
                if (breakdown) {
                    keyMemory(masters, n);
                }
                warmUpFourCallers(ingestor, warmUp, () -> masters.forEach(RedisCommands::flushall));
                ingestor = renew(ingestor, uri);
                double parallel = parallel(ingestor, measured, 4);
                System.out.printf("Cluster, 4 threads:  %,10.0f events/s%n", parallel);
                System.out.printf("RESULT clusterRate1 %.1f%nRESULT clusterRate4 %.1f%nRESULT clusterMemory %.1f%n"
                        + "RESULT clusterKeys %.3f%n", rate, parallel, (double) memory / n, (double) keys / n);
            } finally {
                ingestor.close();
                clients.forEach(RedisClient::shutdown);
            }
        }
    }

    /** The seed's loop (one awaited command at a time) on the same Redis, for the ingestor / naive ratio. */
    private static void naive(RedisCommands<String, String> redis, List<List<Event>> measured, int naiveEvents,
                              double ours) {
        redis.flushall();
        NaiveIngestor naive = new NaiveIngestor(redis, "naive:");
        EventValidator validator = new EventValidator(ValidationRules.defaults());
        List<Event> naiveStream = measured.stream().flatMap(List::stream).limit(naiveEvents).toList();
        Map<String, String> before = info(redis, "stats");
        long start = System.nanoTime();
        Instant now = Instant.now();
        for (Event event : naiveStream) {
            Validation validation = validator.validate(event, now);
            if (validation instanceof Validation.Accepted accepted) {
                naive.apply(MetricContract.plan(accepted.event()));
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, String> after = info(redis, "stats");
        double naiveRate = naiveStream.size() / seconds;
        System.out.printf("naive (seed's loop): %,10.0f events/s  (%d events in %.2f s; %.2f commands/event,"
                + " one round trip each)%n", naiveRate, naiveStream.size(), seconds,
                (double) delta(before, after, "total_commands_processed") / naiveStream.size());
        System.out.printf("ingestor / naive:    %10.1fx%n", ours / naiveRate);
    }

    /**
     * Where Redis's time per event went, from commandstats' usec: each command's own time, and what the script calls
     * took beyond the commands inside them (the Lua interpreter, argument passing, {@code redis.call}'s own cost).
     */
    private static void commandTime(Map<String, String> before, Map<String, String> after, long events) {
        double inside = 0;
        double scripts = 0;
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, String> stat : after.entrySet()) {
            String name = stat.getKey();
            if (!name.startsWith("cmdstat_") || name.equals("cmdstat_info")) {
                continue;
            }
            double micros = (statOf(stat.getValue(), "usec=") - statOf(before.getOrDefault(name, ""), "usec="))
                    / (double) events;
            double calls = (statOf(stat.getValue(), "calls=") - statOf(before.getOrDefault(name, ""), "calls="))
                    / (double) events;
            if (calls == 0) {
                continue;
            }
            if (name.equals("cmdstat_evalsha") || name.equals("cmdstat_eval")) {
                scripts += micros;
            } else {
                inside += micros;
            }
            lines.add(String.format("  %-20s %6.2f calls/event %6.2f µs/event", name.substring(8), calls, micros));
        }
        lines.forEach(System.out::println);
        System.out.printf("  script calls: %.2f µs/event in all, %.2f µs of it in the commands inside, %.2f µs beyond"
                + " them%n", scripts, inside, scripts - inside);
    }

    private static long statOf(String value, String stat) {
        int from = value.indexOf(stat);
        if (from < 0) {
            return 0;
        }
        from += stat.length();
        int to = value.indexOf(',', from);
        return Long.parseLong(value.substring(from, to < 0 ? value.length() : to));
    }

    /** Commands Redis ran that were not script calls themselves (so: the ones inside the scripts), from commandstats. */
    private static long scriptCommands(Map<String, String> commandStats) {
        long total = 0;
        for (Map.Entry<String, String> stat : commandStats.entrySet()) {
            String name = stat.getKey();
            if (name.startsWith("cmdstat_") && !name.equals("cmdstat_evalsha") && !name.equals("cmdstat_eval")
                    && !name.equals("cmdstat_info") && !name.equals("cmdstat_dbsize") && !name.equals("cmdstat_flushall")
                    && !name.equals("cmdstat_script")) {
                total += statOf(stat.getValue(), "calls=");
            }
        }
        return total;
    }

    /**
     * Four callers over the warm-up batches (not measured), between two flushes: going from one caller to four
     * recompiles the hot paths, and -XX:+PrintCompilation showed C2 at a quarter of the client JVM's CPU inside the
     * measured 4-thread run without this.
     */
    private static void warmUpFourCallers(Ingestor ingestor, List<List<Event>> warmUp, Runnable flush)
            throws Exception {
        flush.run();
        parallel(ingestor, warmUp, 4);
        flush.run();
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
            // Each listing has its one lister (ten listings each), as on a marketplace: its metadata is the same
            // in every view of it.
            int listing = random.nextInt(20_000);
            int lister = listing % 2_000;
            current.add(new Event("property_view", String.format("seeker-%07d", random.nextInt(1_000_000)),
                    now.minusMillis(random.nextInt(60_000)), java.util.UUID.randomUUID().toString(), Map.of(
                    "listing_id", String.format("listing-%05d", listing),
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

    /** Runs the ceiling script, echoing it; returns its figures ({@code commands}, {@code lua}: events/s). */
    private static Map<String, String> ceiling(String script) throws Exception {
        Map<String, String> figures = new TreeMap<>();
        Path path = Path.of(script);
        if (!Files.isRegularFile(path)) {
            System.out.println("ceiling: " + script + " not found; run shared/bench/redis-ceiling.sh to compare");
            return figures;
        }
        System.out.println("== ceiling: " + script);
        Process process = new ProcessBuilder("bash", path.toString()).redirectErrorStream(true).start();
        java.util.regex.Pattern figure = java.util.regex.Pattern.compile("ceiling (commands|lua): (\\d+) events/s.*");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            out.lines().forEach(line -> {
                System.out.println("  ceiling: " + line);
                java.util.regex.Matcher m = figure.matcher(line);
                if (m.matches()) {
                    figures.put(m.group(1), m.group(2));
                }
            });
        }
        process.waitFor();
        return figures;
    }

    /**
     * Where the bytes are: {@code MEMORY USAGE ... SAMPLES 0} of every key, summed per kind of key (the key with its
     * hash tags, day and shard numbers blanked) and encoding, per event of the run.
     */
    private static void keyMemory(RedisCommands<String, String> redis, long events) {
        keyMemory(List.of(redis), events);
    }

    /** {@code MEMORY USAGE} per kind of key, summed over {@code servers} (a Cluster's masters). */
    private static void keyMemory(List<RedisCommands<String, String>> servers, long events) {
        Map<String, long[]> kinds = new TreeMap<>();
        for (RedisCommands<String, String> redis : servers) {
        io.lettuce.core.ScanCursor cursor = io.lettuce.core.ScanCursor.INITIAL;
        do {
            io.lettuce.core.KeyScanCursor<String> page = redis.scan(cursor, io.lettuce.core.ScanArgs.Builder.limit(1000));
            for (String key : page.getKeys()) {
                String kind = key.replaceAll("\\{[^}]*}", "{}").replaceAll("\\d{8}", "D").replaceAll("(:\\d+)+$", ":n")
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
        }
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

    static Map<String, String> info(RedisCommands<String, String> redis, String section) {
        Map<String, String> values = new TreeMap<>();
        for (String line : redis.info(section).split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                values.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return values;
    }

    /** CPU nanoseconds this JVM has used so far, every thread (Lettuce's I/O thread too), GC and JIT included. */
    private static long clientCpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** CPU seconds the Redis server has used so far. */
    static double redisCpu(RedisCommands<String, String> redis) {
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
