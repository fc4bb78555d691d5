package io.github.iskahomes.analytics.examples.bench;

import io.github.iskahomes.analytics.core.EntityKind;
import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.jdbc.AggregationResult;
import io.github.iskahomes.analytics.jdbc.Aggregator;
import io.github.iskahomes.analytics.jdbc.AggregatorConfig;
import io.github.iskahomes.analytics.jdbc.Schema;
import io.github.iskahomes.analytics.redis.AnalyticsReader;
import io.github.iskahomes.analytics.redis.Ingestor;
import io.github.iskahomes.analytics.redis.IngestorConfig;
import io.github.iskahomes.analytics.server.BackingStores;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Aggregation throughput, side by side in one run on the same Redis data and the same PostgreSQL (fresh schemas), for
 * each listing count asked. It ends with one table: per listing count, the load average, the Redis read alone, the
 * {@link Aggregator} end to end (and its writing rate), PostgreSQL's own COPY-merge ceiling for the same rows
 * ({@link CopyCeiling}: the Aggregator's statements over pre-encoded rows, no Redis read, no row building), their
 * ratio, and the live heap. Per listing count:
 * <ol>
 *   <li>the Redis read alone ({@link AnalyticsReader#forEachEntity}), with the CPU seconds of this JVM and of the Redis
 *   server during it;</li>
 *   <li>the Aggregator by COPY into a temporary table plus one merge per chunk (the default; chunks of 1000, one
 *   transaction), with the heap pools' peak and the heap after any GC, then the ceiling, and the CPU seconds per
 *   100,000 rows of this JVM (GC and JIT threads apart), Redis and PostgreSQL during both;</li>
 *   <li>the live heap: an extra, untimed Aggregator run under full collections every 100 ms;</li>
 *   <li>with {@code --unnest on}, the Aggregator by {@code unnest} upserts ({@code withCopy(false)}) too;</li>
 *   <li>with {@code --baselines on} (the default), the seed's loop ({@link AggregatorBaseline#runSeedLoop}: per
 *   entity one awaited Redis command per value, then one single-row upsert, autocommit; timed on the first
 *   {@code --seed-limit} entity-days) and row-at-a-time upserts fed by our pipelined reader
 *   ({@link AggregatorBaseline#run}).</li>
 * </ol>
 * Each listing count is measured {@code --rounds} times (default 3) in the same JVM, a table row each, then their
 * medians. {@code --only read} stops after the Redis read (for profiling it); {@code --warmup} sets the listings of
 * the unreported warm-up round (default: the largest count asked, so that the rounds measure the steady state of a
 * scheduler's long-lived JVM rather than C2 compiling the read and write paths). Each timed write (the Aggregator's
 * runs, the ceiling's) starts after a {@code CHECKPOINT}, and each schema is dropped as soon as its run is measured,
 * so that no timed run shares PostgreSQL with the checkpointer flushing, or autovacuum and ANALYZE visiting, what the
 * earlier runs wrote; {@code --quiesce off} measures without both, as the benchmark did before.
 *
 * <pre>
 * ./mvnw -q -pl examples -am package -DskipTests
 * java -Xmx64m -cp "examples/target/analytics-examples.jar:examples/target/lib/*" \
 *     io.github.iskahomes.analytics.examples.bench.AggregatorBenchmark [--listings 10000,100000] [--chunk 1000]
 *     [--fsync on|off|as-is] [--baselines on|off] [--unnest on|off] [--only read] [--warmup 100000]
 *     [--rounds 3] [--quiesce on|off] [--seed-limit 10000]
 * </pre>
 * With embedded servers, {@code --fsync on} (the default) measures on a durable embedded PostgreSQL of its own
 * ({@code fsync}, {@code synchronous_commit} and {@code full_page_writes} on); {@code off} or {@code as-is} use the
 * shared embedded server, which runs with {@code fsync=off} for fast tests.
 * Uses {@code ANALYTICS_REDIS_URL} / {@code ANALYTICS_JDBC_URL} when set, otherwise embedded servers.
 */
public final class AggregatorBenchmark {
    private static final int LISTERS = 1000;
    private static final int DEVELOPMENTS = 100;

    private AggregatorBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> flags = IngestBenchmark.flags(args);
        List<Integer> sizes = new ArrayList<>();
        for (String size : flags.getOrDefault("listings", "10000,100000").split(",")) {
            sizes.add(Integer.parseInt(size.trim()));
        }
        // The warm-up defaults to the largest size measured: a host's scheduler runs the Aggregator again and again in
        // one JVM, so its steady state is what a run costs; a smaller warm-up left C2 compiling the read and write
        // paths during the first timed run (0.7-2.3 s of JIT CPU per 100,000 rows, against 0.14-0.35 s after it).
        int largest = sizes.stream().mapToInt(Integer::intValue).max().orElse(20_000);
        Options options = new Options(Integer.parseInt(flags.getOrDefault("chunk", "1000")),
                Long.parseLong(flags.getOrDefault("seed-limit", "10000")),
                !"off".equals(flags.getOrDefault("baselines", "on")), "on".equals(flags.getOrDefault("unnest", "off")),
                "read".equals(flags.get("only")),
                Integer.parseInt(flags.getOrDefault("warmup", Integer.toString(largest))),
                Integer.parseInt(flags.getOrDefault("rounds", "3")));
        quiet = !"off".equals(flags.getOrDefault("quiesce", "on"));
        if (options.rounds() < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1, was " + options.rounds());
        }
        String fsync = flags.getOrDefault("fsync", "on");
        try (BackingStores infra = BackingStores.start()) {
            Db db;
            if (infra.embeddedPostgres() != null && "on".equals(fsync)) {
                // The shared embedded server is started with -c fsync=off (fast tests), which ALTER SYSTEM cannot
                // override. A production database commits durably, which is exactly the cost a commit per row
                // multiplies: by default, measure on a durable embedded server of our own.
                EmbeddedPostgres durable = EmbeddedPostgres.builder()
                        .setServerConfig("listen_addresses", "127.0.0.1")
                        .setServerConfig("fsync", "on")
                        .setServerConfig("synchronous_commit", "on")
                        .setServerConfig("full_page_writes", "on")
                        .start();
                db = new Db("jdbc:postgresql://127.0.0.1:" + durable.getPort() + "/postgres", "postgres", null,
                        durable);
            } else {
                db = new Db(infra.jdbcUrl(), infra.jdbcUser(), System.getenv("ANALYTICS_JDBC_PASSWORD"), null);
            }
            try (db; Connection c = db.connect(); Statement st = c.createStatement();
                 var rs = st.executeQuery("SELECT current_setting('fsync'), current_setting('synchronous_commit'),"
                         + " version()")) {
                rs.next();
                System.out.printf("PostgreSQL: fsync=%s synchronous_commit=%s, %s%n", rs.getString(1), rs.getString(2),
                        rs.getString(3));
                run(infra, db, sizes, options);
            }
        }
    }

    private static void run(BackingStores infra, Db db, List<Integer> sizes, Options options) throws Exception {
        System.out.printf("Redis %s, PostgreSQL %s, %d cores, Java %s, max heap %d MB%n", infra.redisUri(),
                db.url(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() / (1024 * 1024));
        List<String> summary = new ArrayList<>();
        Map<Integer, String> baselineLines = new LinkedHashMap<>();
        // Warm-up (JIT, connections, prepared statements); its figures are not reported, but printed above the table.
        System.out.printf("%nWarm-up (not in the table): %,d listings%n", options.warmup());
        measure(infra, db, options.warmup(), options.withSeedLimit(2000).withBaselines(false), new LinkedHashMap<>());
        for (int listings : sizes) {
            List<Measured> rounds = new ArrayList<>();
            for (int round = 1; round <= options.rounds(); round++) {
                System.out.printf("%nRound %d of %d:", round, options.rounds());
                // The baselines are slow and do not change from round to round: the first round runs them.
                Measured measured = measure(infra, db, listings, round == 1 ? options
                        : options.withBaselines(false), baselineLines);
                rounds.add(measured);
                summary.add(String.format(measured.line(), round));
            }
            if (rounds.size() > 1) {
                summary.add(String.format("| %,d | median of %d | | **%,.0f** | %,.0f | %.2f | |", listings,
                        rounds.size(), median(rounds, Measured::rate), median(rounds, Measured::ceiling),
                        median(rounds, Measured::ratio)));
            }
        }
        System.out.println();
        System.out.println("| listings | round | load (1 min) | Redis read alone | end to end (writing) | COPY-merge ceiling"
                + " | end to end / ceiling | peak live heap, full GCs (after any GC; pools) |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        summary.forEach(System.out::println);
        baselineLines.forEach((n, line) -> System.out.println(line));
    }

    /**
     * One round of one size: its table row (with {@code %d} where the round's number goes), its rates (entity rows/s
     * end to end, the ceiling's, their ratio; the read's rate and zeros with {@code --only read}).
     */
    private record Measured(String line, double rate, double ceiling, double ratio) {
    }

    private static double median(List<Measured> rounds, java.util.function.ToDoubleFunction<Measured> value) {
        double[] values = rounds.stream().mapToDouble(value).sorted().toArray();
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    /** The benchmark's flags. */
    private record Options(int chunk, long seedLimit, boolean baselines, boolean unnest, boolean readOnly,
                           int warmup, int rounds) {
        Options withSeedLimit(long value) {
            return new Options(chunk, value, baselines, unnest, readOnly, warmup, rounds);
        }

        Options withBaselines(boolean value) {
            return new Options(chunk, seedLimit, value, unnest, readOnly, warmup, rounds);
        }
    }

    private static Measured measure(BackingStores infra, Db db, int listings, Options options,
                                  Map<Integer, String> baselineLines) throws Exception {
        int chunk = options.chunk();
        LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(1);
        String prefix = "aggbench-" + listings + "-" + UUID.randomUUID().toString().substring(0, 8) + ":";
        // A generous timeout: the benchmark shares its machine, and a slow moment must not abort a long run.
        IngestorConfig config = IngestorConfig.builder().keyPrefix(prefix)
                .commandTimeout(java.time.Duration.ofSeconds(60)).build();
        try (Ingestor ingestor = Ingestor.connect(infra.redisUri(), config)) {
            long start = System.nanoTime();
            long events = populate(ingestor, day, listings);
            System.out.printf("%n%,d listings: ingested %,d events in %.1f s%n", listings, events,
                    (System.nanoTime() - start) / 1e9);
            AnalyticsReader reader = ingestor.reader();
            String loadBefore = load();

            // Redis read alone, for reference: what the writer below pays before writing anything. The CPU seconds of
            // this JVM and of the Redis server during it say which side of the connection the reading costs.
            double redisCpu = redisCpuSeconds(infra);
            long javaCpu = processCpuNanos();
            start = System.nanoTime();
            AtomicLong read = new AtomicLong();
            for (EntityKind kind : EntityKind.values()) {
                reader.forEachEntity(kind, day, chunk, rows -> read.addAndGet(rows.size()));
            }
            double readSeconds = (System.nanoTime() - start) / 1e9;
            double readRate = read.get() / readSeconds;
            double redisCpuRead = redisCpuSeconds(infra) - redisCpu;
            double javaCpuRead = (processCpuNanos() - javaCpu) / 1e9;
            System.out.printf("  Redis read only:        %,9.0f entity-days/s (%,d in %.2f s; CPU: this JVM %.2f s,"
                    + " Redis %.2f s)%n", readRate, read.get(), readSeconds, javaCpuRead, redisCpuRead);
            if (options.readOnly()) {
                return new Measured(String.format("| %,d | %%d | %s | %,.0f/s (JVM %.2f s, Redis %.2f s CPU) | - | - | - |"
                        + " - |", listings, loadBefore, readRate, javaCpuRead, redisCpuRead), readRate, 0, 0);
            }

            Run unnest = null;
            if (options.unnest()) {
                unnest = aggregate(db, "aggbench_unnest_" + listings, reader, day, chunk, false, listings);
                System.out.printf("  Aggregator, unnest:     %s%n", unnest);
            }
            // The Aggregator (COPY plus merge, the default) and PostgreSQL's own COPY-merge ceiling for the same
            // rows (pre-encoded, no Redis read, no row building), one right after the other.
            HeapWatch heap = HeapWatch.start();
            Cpu before = Cpu.now(infra, db);
            Run copy = aggregate(db, "aggbench_" + listings, reader, day, chunk, true, listings);
            Cpu aggregatorCpu = Cpu.now(infra, db).minus(before);
            HeapWatch.Peak peak = heap.stop();
            System.out.printf("  Aggregator, COPY:       %s%n", copy);
            System.out.printf("  peak heap during run:   %d MB live after GC, %d MB peak of heap pools%n",
                    peak.liveAfterGcBytes() / (1024 * 1024), peak.poolPeakBytes() / (1024 * 1024));
            DataSource ceilingSchema = schema(db, "aggbench_ceiling_" + listings);
            Schema.migrate(ceilingSchema);
            CopyCeiling.Timing ceiling = CopyCeiling.run(ceilingSchema, reader, day, chunk, () -> Cpu.now(infra, db),
                    db);
            drop(db, "aggbench_ceiling_" + listings);
            Cpu ceilingCpu = ceiling.cpu();
            double ceilingRate = ceiling.rows() / (ceiling.nanos() / 1e9);
            String loadAfter = load();
            System.out.printf("  COPY-merge ceiling:     %,9.0f entity rows/s (%,d pre-encoded rows in %.2f s: stage"
                    + " table, COPY and merge per chunk, one transaction)%n", ceilingRate, ceiling.rows(),
                    ceiling.nanos() / 1e9);
            System.out.printf("  CPU seconds per 100,000 entity rows: Aggregator %s; ceiling %s%n",
                    aggregatorCpu.per(copy.rows()), ceilingCpu.per(ceiling.rows()));
            System.out.printf("  Aggregator / ceiling: %.2f end to end, %.2f writing%s%n", copy.rate() / ceilingRate,
                    copy.writeRate() / ceilingRate, unnest == null ? "" : String.format(
                            ";  COPY / unnest: %.2fx end to end", copy.rate() / unnest.rate()));
            // The live set proper: "after any GC" above includes young collections, after which the old generation
            // still holds garbage (more of it the longer the run), so it is an upper bound. An extra, untimed run
            // under full collections every 100 ms measures what the Aggregator really holds.
            long live = LiveSet.during(() -> aggregate(db, "aggbench_live_" + listings, reader, day, chunk, true,
                    listings));
            System.out.printf("  live heap, untimed run: %d MB at most (full GC every 100 ms)%n", live / (1024 * 1024));
            String line = String.format("| %,d | %%d | %s-%s | %,.0f/s | **%,.0f** (%,.0f) | %,.0f | %.2f | %d MB (%d MB;"
                            + " pools %d MB) |", listings, loadBefore, loadAfter, readRate, copy.rate(),
                    copy.writeRate(), ceilingRate, copy.rate() / ceilingRate, live / (1024 * 1024),
                    peak.liveAfterGcBytes() / (1024 * 1024), peak.poolPeakBytes() / (1024 * 1024));
            Measured measured = new Measured(line, copy.rate(), ceilingRate, copy.rate() / ceilingRate);
            if (!options.baselines()) {
                return measured;
            }
            long entityRows = copy.rows();
            double oursRate = copy.rate();
            double oursWrite = copy.writeRate();

            DataSource naive = schema(db, "aggbench_naive_" + listings);
            Schema.migrate(naive);
            start = System.nanoTime();
            AggregatorBaseline.Timing naiveRun = AggregatorBaseline.run(naive, reader, day, chunk);
            double naiveSeconds = (System.nanoTime() - start) / 1e9;
            drop(db, "aggbench_naive_" + listings);
            double naiveRate = naiveRun.rows() / naiveSeconds;
            double naiveWrite = naiveRun.rows() / (naiveRun.writeNanos() / 1e9);
            System.out.printf("  row-at-a-time upserts:  %,9.0f entity rows/s end to end, %,.0f rows/s upserting"
                    + " (%,d rows in %.2f s, autocommit)%n", naiveRate, naiveWrite, naiveRun.rows(), naiveSeconds);

            // The seed's loop proper: one awaited Redis command per value, then the row upsert. Timed on a prefix of
            // the day when the day is larger than seedLimit (it runs at a steady rate, so rows/s is comparable).
            DataSource seed = schema(db, "aggbench_seed_" + listings);
            Schema.migrate(seed);
            RedisClient client = RedisClient.create(RedisURI.create(infra.redisUri()));
            AggregatorBaseline.Timing seedRun;
            double seedSeconds;
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                connection.setTimeout(config.commandTimeout());
                start = System.nanoTime();
                seedRun = AggregatorBaseline.runSeedLoop(seed, connection.sync(), config, day, options.seedLimit());
                seedSeconds = (System.nanoTime() - start) / 1e9;
                drop(db, "aggbench_seed_" + listings);
            } finally {
                client.shutdown();
            }
            double seedRate = seedRun.rows() / seedSeconds;
            double seedWrite = seedRun.rows() / (seedRun.writeNanos() / 1e9);
            String seedScope = seedRun.rows() < entityRows
                    ? String.format("first %,d of the %,d entity-days", seedRun.rows(), entityRows)
                    : String.format("all %,d entity-days", seedRun.rows());
            System.out.printf("  seed's loop:            %,9.0f entity rows/s end to end, %,.0f rows/s upserting"
                    + " (%s in %.2f s: awaited GET/PFCOUNT/HGETALL per value, autocommit row upserts)%n", seedRate,
                    seedWrite, seedScope, seedSeconds);
            System.out.printf("  Aggregator / seed's loop: %.1fx end to end;  Aggregator / row-at-a-time upserts:"
                    + " %.1fx end to end, %.1fx upserting%n", oursRate / seedRate, oursRate / naiveRate,
                    oursWrite / naiveWrite);
            baselineLines.put(listings, String.format("%,8d listings: seed's loop %,6.0f rows/s (%s) -> %.1fx"
                            + " | row-at-a-time upserts, pipelined reads %,6.0f rows/s -> %.1fx (upserting %,7.0f vs"
                            + " %,6.0f rows/s, %.1fx)", listings, seedRate, seedScope, oursRate / seedRate, naiveRate,
                    oursRate / naiveRate, oursWrite, naiveWrite, oursWrite / naiveWrite));
            return measured;
        }
    }

    /**
     * CPU seconds used so far by this JVM, the Redis server and the PostgreSQL server (NaN where they cannot be
     * asked): load-independent, where rates on a shared machine are not.
     */
    record Cpu(double jvm, double gc, double jit, double redis, double postgres) {
        static Cpu now(BackingStores infra, Db db) {
            double[] threads = jvmThreadSeconds();
            return new Cpu(processCpuNanos() / 1e9, threads[0], threads[1], redisCpuSeconds(infra),
                    postgresCpuSeconds(db));
        }

        Cpu minus(Cpu earlier) {
            return new Cpu(jvm - earlier.jvm, gc - earlier.gc, jit - earlier.jit, redis - earlier.redis,
                    postgres - earlier.postgres);
        }

        String per(long rows) {
            double scale = 100_000.0 / rows;
            return String.format("JVM %.2f (GC %.2f, JIT %.2f), Redis %.2f, PostgreSQL %.2f", jvm * scale,
                    gc * scale, jit * scale, redis * scale, postgres * scale);
        }
    }

    /** CPU seconds of this JVM's garbage collector and JIT compiler threads so far (Linux {@code /proc}). */
    static double[] jvmThreadSeconds() {
        double[] seconds = new double[2];
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String[] fields = stat("self/task/" + task.getFileName());
                    String name = fields[1];
                    double used = (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) / 100.0;
                    if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
                        seconds[0] += used;
                    } else if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                        seconds[1] += used;
                    }
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return new double[] {Double.NaN, Double.NaN};
        }
        return seconds;
    }

    /**
     * The PostgreSQL server's CPU seconds, when it runs on this machine: its postmaster's own and reaped children's
     * time plus its live backends' ({@code /proc}, Linux only), found through the data directory's postmaster.pid.
     */
    static double postgresCpuSeconds(Db db) {
        try (Connection c = db.connect(); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT current_setting('data_directory')")) {
            rs.next();
            String pid = Files.readAllLines(Path.of(rs.getString(1), "postmaster.pid")).get(0).trim();
            double ticks = 100.0;
            String[] own = stat(pid);
            long total = Long.parseLong(own[13]) + Long.parseLong(own[14]) + Long.parseLong(own[15])
                    + Long.parseLong(own[16]);
            try (var procs = Files.list(Path.of("/proc"))) {
                for (Path proc : (Iterable<Path>) procs::iterator) {
                    String name = proc.getFileName().toString();
                    if (!name.chars().allMatch(Character::isDigit)) {
                        continue;
                    }
                    try {
                        String[] fields = stat(name);
                        if (fields[3].equals(pid)) {
                            total += Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
                        }
                    } catch (IOException | RuntimeException gone) {
                        // the process ended meanwhile
                    }
                }
            }
            return total / ticks;
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    /** The fields of /proc/PID/stat after the command name (so index 0 is the pid, 3 the parent, 13 utime). */
    private static String[] stat(String pid) throws IOException {
        String text = Files.readString(Path.of("/proc", pid, "stat"));
        int close = text.lastIndexOf(')');
        String[] rest = text.substring(close + 2).split(" ");
        String[] fields = new String[rest.length + 2];
        fields[0] = pid;
        fields[1] = text.substring(text.indexOf('(') + 1, close);
        System.arraycopy(rest, 0, fields, 2, rest.length);
        return fields;
    }

    /** The 1-minute load average, as {@code uptime} prints it (the machine may be shared). */
    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    /** CPU time this JVM has used so far. */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
    }

    /** The Redis server's {@code used_cpu_user + used_cpu_sys}, or NaN when it cannot be asked (a Cluster). */
    private static double redisCpuSeconds(BackingStores infra) {
        if (infra.redisUri().contains("cluster")) {
            return Double.NaN;
        }
        RedisClient client = RedisClient.create(RedisURI.create(infra.redisUri()));
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return IngestBenchmark.redisCpu(connection.sync());
        } finally {
            client.shutdown();
        }
    }

    /** One Aggregator run: entity rows written, seconds end to end, seconds in PostgreSQL statements. */
    private record Run(long rows, long leads, double seconds, double postgresSeconds) {
        double rate() {
            return rows / seconds;
        }

        /** Rows per second of the time spent in PostgreSQL statements (upserts and the day's roll-ups). */
        double writeRate() {
            return rows / postgresSeconds;
        }

        @Override
        public String toString() {
            return String.format("%,9.0f entity rows/s end to end, %,.0f rows/s writing (%,d entity rows and %,d"
                    + " leads in %.2f s, one transaction)", rate(), writeRate(), rows, leads, seconds);
        }
    }

    private static Run aggregate(Db db, String schemaName, AnalyticsReader reader, LocalDate day, int chunk,
                                 boolean copy, int listings) throws Exception {
        DataSource target = schema(db, schemaName);
        Schema.migrate(target);
        Aggregator aggregator = Aggregator.create(target, reader,
                AggregatorConfig.defaults().withChunkSize(chunk).withCopy(copy));
        quiesce(db);
        long start = System.nanoTime();
        AggregationResult result = aggregator.run(day);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (result.inserted("listings") != listings) {
            throw new IllegalStateException("aggregated " + result.toJson() + " for " + listings + " listings");
        }
        drop(db, schemaName);
        long rows = result.inserted("listings") + result.inserted("users") + result.inserted("developments");
        return new Run(rows, result.inserted("leads"), seconds, result.timings().postgres().toNanos() / 1e9);
    }

    /** Per listing: 2 views by 2 seekers; every 10th listing also a phone lead. 1000 listers, 100 developments. */
    private static long populate(Ingestor ingestor, LocalDate day, int listings) {
        List<Event> batch = new ArrayList<>(1000);
        long total = 0;
        java.time.Instant noon = day.atTime(12, 0).toInstant(ZoneOffset.UTC);
        for (int i = 0; i < listings; i++) {
            Map<String, Object> props = Map.of("listing_id", "listing-" + i, "lister_id", "agent-" + (i % LISTERS),
                    "lister_type", "agent", "development_id", "dev-" + (i % DEVELOPMENTS), "viewed_from", "home");
            batch.add(new Event("property_view", "seeker-" + i, noon, UUID.randomUUID().toString(), props));
            batch.add(new Event("property_view", "seeker-" + (i + 1), noon, UUID.randomUUID().toString(), props));
            if (i % 10 == 0) {
                batch.add(new Event("lead_phone", "seeker-" + i, noon, UUID.randomUUID().toString(), props));
            }
            if (batch.size() >= 990) {
                total += ingest(ingestor, batch);
            }
        }
        total += ingest(ingestor, batch);
        return total;
    }

    private static int ingest(Ingestor ingestor, List<Event> batch) {
        int ingested = ingestor.ingest(batch).ingested();
        if (ingested != batch.size()) {
            throw new IllegalStateException("ingested " + ingested + " of " + batch.size());
        }
        batch.clear();
        return ingested;
    }

    /**
     * Before a timed write: a CHECKPOINT, so that the checkpointer is not still flushing the earlier runs' pages
     * while this one is timed (and counted in PostgreSQL's CPU). Skipped, once said, where the role may not.
     */
    static void quiesce(Db db) throws SQLException {
        if (!quiet) {
            return;
        }
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CHECKPOINT");
        } catch (SQLException e) {
            if (!checkpointRefused) {
                checkpointRefused = true;
                System.out.println("  (no CHECKPOINT before timed runs: " + e.getMessage() + ")");
            }
        }
    }

    private static boolean checkpointRefused;
    /** {@code --quiesce on} (the default): a CHECKPOINT before each timed write and each schema dropped once measured. */
    private static boolean quiet = true;

    /**
     * Drops a schema once its run is measured and checked: left in place, its freshly written tables drew autovacuum
     * and ANALYZE during the next timed runs, on the same two cores and in PostgreSQL's CPU figure (which swung by
     * 0.4 s per 100,000 rows from round to round for the same code).
     */
    static void drop(Db db, String name) throws SQLException {
        if (quiet) {
            dropSchema(db, name);
        }
    }

    private static void dropSchema(Db db, String name) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
        }
    }

    /** A fresh schema of the benchmark database and a data source whose search_path is it. */
    private static DataSource schema(Db db, String name) throws Exception {
        dropSchema(db, name);
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + name);
        }
        PGSimpleDataSource source = new PGSimpleDataSource();
        source.setURL(db.url());
        source.setUser(db.user());
        source.setPassword(db.password());
        source.setCurrentSchema(name);
        return source;
    }

    /** The database written to, and the server started for it (closed with it), if any. */
    record Db(String url, String user, String password, AutoCloseable server) implements AutoCloseable {
        Connection connect() throws SQLException {
            return DriverManager.getConnection(url, user, password);
        }

        @Override
        public void close() throws Exception {
            if (server != null) {
                server.close();
            }
        }
    }

    /** The most heap in use right after a full collection, forced every 100 ms while some work runs. */
    static final class LiveSet {
        interface Work {
            void run() throws Exception;
        }

        static long during(Work work) throws Exception {
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            AtomicLong peak = new AtomicLong();
            Thread sampler = new Thread(() -> {
                while (!done.get()) {
                    System.gc();
                    peak.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(),
                            Math::max);
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "live-set-sampler");
            sampler.setDaemon(true);
            sampler.start();
            try {
                work.run();
            } finally {
                done.set(true);
                sampler.join();
            }
            return peak.get();
        }
    }

    /** Heap in use after each GC (the live set) and the heap pools' peaks, between start and stop. */
    static final class HeapWatch {
        record Peak(long liveAfterGcBytes, long poolPeakBytes) {
        }

        private final AtomicLong liveAfterGc = new AtomicLong();
        private final List<Runnable> removers = new ArrayList<>();

        static HeapWatch start() {
            System.gc();
            HeapWatch watch = new HeapWatch();
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    pool.resetPeakUsage();
                }
            }
            for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (gc instanceof javax.management.NotificationEmitter emitter) {
                    javax.management.NotificationListener listener = (notification, handback) -> {
                        if (com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION
                                .equals(notification.getType())) {
                            var info = com.sun.management.GarbageCollectionNotificationInfo.from(
                                    (javax.management.openmbean.CompositeData) notification.getUserData());
                            long used = 0;
                            for (var usage : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                                if (isHeap(usage.getKey())) {
                                    used += usage.getValue().getUsed();
                                }
                            }
                            watch.liveAfterGc.accumulateAndGet(used, Math::max);
                        }
                    };
                    emitter.addNotificationListener(listener, null, null);
                    watch.removers.add(() -> {
                        try {
                            emitter.removeNotificationListener(listener);
                        } catch (javax.management.ListenerNotFoundException ignored) {
                            // already gone
                        }
                    });
                }
            }
            return watch;
        }

        private static boolean isHeap(String poolName) {
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getName().equals(poolName)) {
                    return pool.getType() == MemoryType.HEAP;
                }
            }
            return false;
        }

        Peak stop() {
            removers.forEach(Runnable::run);
            long pools = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    pools += pool.getPeakUsage().getUsed();
                }
            }
            return new Peak(liveAfterGc.get(), pools);
        }
    }

}
