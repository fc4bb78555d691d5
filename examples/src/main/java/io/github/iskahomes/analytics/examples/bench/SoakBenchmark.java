package io.github.iskahomes.analytics.examples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.iskahomes.analytics.batcher.BatcherConfig;
import io.github.iskahomes.analytics.batcher.EventBatcher;
import io.github.iskahomes.analytics.batcher.HttpIngestSink;
import io.github.iskahomes.analytics.batcher.SinkStats;
import io.github.iskahomes.analytics.core.BusinessCalendar;
import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.internal.EventJson;
import io.github.iskahomes.analytics.examples.Flags;
import io.github.iskahomes.analytics.examples.Pipeline;
import io.github.iskahomes.analytics.examples.demo.Demo;
import io.github.iskahomes.analytics.examples.demo.TrafficSimulator;
import io.github.iskahomes.analytics.examples.demo.Verification;
import io.github.iskahomes.analytics.redis.IngestorConfig;
import io.github.iskahomes.analytics.server.BackingStores;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A soak with faults, end to end over HTTP: several {@link EventBatcher}s (JSON and gzip bodies) and a PostHog-style
 * client (form-encoded {@code data=} base64 bodies, secret as the project key, and replays of batches it already
 * sent) send a realistic marketplace mix to the analytics server — {@code Main serve}, run as a child JVM so its
 * heap is measured alone — for a set time, while Redis is restarted twice, PostgreSQL is stopped during one cron
 * run, and the cron endpoint runs the aggregator every 30 s. At the end every counter in PostgreSQL is compared with
 * what was tracked (uniques within HyperLogLog error) and it prints events/s held, faults survived, the server's heap
 * after GC over time, events lost and events counted twice. Exits 0 only if nothing was lost or doubled.
 *
 * <pre>
 * ./mvnw -q -pl examples -am package -DskipTests
 * java -cp "examples/target/analytics-examples.jar:examples/target/lib/*" \
 *   io.github.iskahomes.analytics.examples.bench.SoakBenchmark [--minutes 5] [--rate 3000] [--batchers 3]
 * </pre>
 *
 * Needs the embedded Redis and PostgreSQL (it stops and starts them); not a test, never run by the build.
 */
public final class SoakBenchmark {
    private static final String SECRET = "soak-ingest-secret";
    private static final String ADMIN_TOKEN = "soak-admin-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Duration duration;
    private final int rate;
    private final int batcherCount;
    private final Duration cronEvery;
    private final String serverHeap;

    private final AtomicInteger cronOk = new AtomicInteger();
    private final List<String> cronFailures = new CopyOnWriteArrayList<>();
    private final List<String> faults = new CopyOnWriteArrayList<>();
    private final List<Long> heapSamplesKb = new CopyOnWriteArrayList<>();

    private SoakBenchmark(Flags flags) {
        this.duration = flags.values().containsKey("seconds")
                ? Duration.ofSeconds(flags.integer("seconds", null, 300))
                : Duration.ofMinutes(flags.integer("minutes", null, 5));
        this.rate = flags.integer("rate", null, 3_000);
        this.batcherCount = flags.integer("batchers", null, 3);
        this.cronEvery = Duration.ofSeconds(flags.integer("cron-seconds", null, 30));
        this.serverHeap = flags.get("server-heap", null, "256m");
    }

    public static void main(String[] args) throws Exception {
        System.exit(new SoakBenchmark(Flags.parse(args)).run() ? 0 : 1);
    }

    private boolean run() throws Exception {
        BusinessCalendar calendar = BusinessCalendar.UTC;
        try (BackingStores stores = BackingStores.start();
             Pipeline local = Pipeline.start(stores, IngestorConfig.defaults(), 0)) {
            if (stores.embeddedRedis() == null || stores.embeddedPostgres() == null) {
                throw new IllegalStateException("the soak stops and starts Redis and PostgreSQL: unset"
                        + " ANALYTICS_REDIS_URL and ANALYTICS_JDBC_URL to use the embedded ones");
            }
            Server server = Server.start(stores, serverHeap);
            try {
                return soak(stores, local, server, calendar);
            } finally {
                server.stop();
            }
        }
    }

    private boolean soak(BackingStores stores, Pipeline local, Server server, BusinessCalendar calendar)
            throws Exception {
        Instant now = Instant.now();
        TrafficSimulator simulator = new TrafficSimulator(
                new TrafficSimulator.Options(0, 2, 20261201, 2_000, 250, 80, 20_000), calendar, now);
        System.out.printf("Soak for %d s at %,d events/s: %d batchers (JSON and gzip) + 1 PostHog form client with"
                        + " replays, to %s; cron every %d s; server heap -Xmx%s%n", duration.toSeconds(), rate,
                batcherCount, server.base, cronEvery.toSeconds(), serverHeap);

        BatcherConfig config = BatcherConfig.builder().maxQueueSize(50_000).maxAttempts(100_000)
                .backoff(Duration.ofMillis(50), Duration.ofSeconds(1)).closeTimeout(Duration.ofMinutes(3)).build();
        List<EventBatcher> batchers = new ArrayList<>();
        for (int i = 0; i < batcherCount; i++) {
            batchers.add(EventBatcher.builder().config(config)
                    .sink(HttpIngestSink.builder(URI.create(server.base + "/api/ingest/posthog")).name("batcher-" + i)
                            .secret(SECRET).gzip(i % 2 == 1).build())
                    .build());
        }
        FormClient form = new FormClient(URI.create(server.base + "/batch/"));
        form.start();

        long started = System.nanoTime();
        long end = started + duration.toNanos();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread cron = daemon("soak-cron", () -> cronLoop(stores, server, started, running));
        Thread chaos = daemon("soak-faults", () -> redisFaults(stores, started));
        Thread heap = daemon("soak-heap", () -> heapLoop(server, running));
        cron.start();
        chaos.start();
        heap.start();

        long[] tracked = {0};
        int routes = batcherCount + 1;
        simulator.runWhile(() -> System.nanoTime() < end, event -> {
            long n = tracked[0]++;
            int route = (int) (n % routes);
            if (route < batcherCount) {
                batchers.get(route).track(event);
            } else {
                form.put(event);
            }
            if (n % 200 == 0) {
                pace(started, n);
                batchers.forEach(Demo::awaitRoom); // within the queues while Redis is down: no drops by design
            }
            if (n % 50_000 == 0 && n > 0) {
                System.out.printf("  %5.0f s  tracked %,d%n", (System.nanoTime() - started) / 1e9, n);
            }
        });
        double sendSeconds = (System.nanoTime() - started) / 1e9;
        chaos.join();

        long delivered = 0;
        long undelivered = 0;
        for (EventBatcher batcher : batchers) {
            batcher.flush(Duration.ofMinutes(3));
            for (SinkStats stats : batcher.stats().values()) {
                delivered += stats.sent();
                undelivered += stats.dropped() + stats.failed() + stats.rejected() + stats.pending();
            }
            batcher.close();
        }
        form.finish();
        delivered += form.delivered.get();
        undelivered += form.refused.get();
        double drainedSeconds = (System.nanoTime() - started) / 1e9;
        running.set(false);
        cron.join();
        heap.join();

        for (TrafficSimulator.SimulatedSale sale : simulator.sales()) {
            if (!local.ledger().record(sale.toSale()).recorded()) {
                throw new IllegalStateException("sale refused: " + sale);
            }
        }
        HttpResponse<String> last = cronOnce(server);
        for (int attempt = 0; last.statusCode() != 200 && attempt < 10; attempt++) {
            Thread.sleep(2_000);
            last = cronOnce(server);
        }
        if (last.statusCode() != 200) {
            throw new IllegalStateException("the final cron run failed: " + last.statusCode() + " " + last.body());
        }

        LocalDate to = calendar.dayOf(now);
        LocalDate from = to.minusDays(1);
        Verification verification = new Verification(local, simulator.expected(), from, to);
        List<String> problems = new ArrayList<>(verification.checkStored(Demo.eventsByType(local, from, to)));
        if (undelivered != 0) {
            problems.add(undelivered + " events were dropped, failed or refused on the way");
        }
        long lost = verification.eventsLost();
        long doubled = verification.eventsDoubled() + form.replayCountedAgain.get();

        System.out.printf("%nTracked %,d events in %.0f s: %,.0f events/s held (all delivered after %.0f s)%n",
                tracked[0], sendSeconds, tracked[0] / sendSeconds, drainedSeconds);
        System.out.printf("Delivered %,d (batchers and form client), %,d undelivered%n", delivered, undelivered);
        System.out.printf("Faults survived: %s; %,d replayed batches (%,d events) answered as duplicates%n",
                String.join(", ", faults), form.replayedBatches.get(), form.replayedEvents.get());
        System.out.printf("Cron runs: %d ok, %d failed %s%n", cronOk.get(), cronFailures.size(), cronFailures);
        System.out.printf("Server heap after full GC, MiB, every %d s: %s%n", cronEvery.toSeconds(), mib(heapSamplesKb));
        System.out.printf("Server heap flat: %s%n", flatness(heapSamplesKb));
        System.out.printf("Events lost: %d; events counted twice: %d; cells checked: %,d%n", lost, doubled,
                verification.cellsChecked());
        if (problems.isEmpty() && lost == 0 && doubled == 0) {
            System.out.println("VERIFIED: every total in PostgreSQL equals what was tracked");
            return true;
        }
        System.out.printf("NOT VERIFIED: %d problems%n", problems.size());
        problems.stream().limit(30).forEach(problem -> System.out.println("  " + problem));
        return false;
    }

    /** Two Redis restarts, at a quarter and at three fifths of the run, each down for three seconds. */
    private void redisFaults(BackingStores stores, long started) {
        for (double at : new double[] {0.25, 0.6}) {
            sleepUntil(started + (long) (duration.toNanos() * at));
            stores.embeddedRedis().shutdown();
            sleep(3_000);
            stores.embeddedRedis().restart();
            faults.add("Redis restart at " + Math.round(duration.toSeconds() * at) + " s");
        }
    }

    /** Runs the cron endpoint every {@link #cronEvery}; the run after 40 % of the time finds PostgreSQL stopped. */
    private void cronLoop(BackingStores stores, Server server, long started, AtomicBoolean running) {
        long postgresFaultAt = started + (long) (duration.toNanos() * 0.4);
        boolean postgresFaultDone = false;
        long next = started + cronEvery.toNanos();
        while (running.get()) {
            if (System.nanoTime() < next) {
                sleep(200);
                continue;
            }
            next += cronEvery.toNanos();
            boolean stopPostgres = !postgresFaultDone && System.nanoTime() >= postgresFaultAt;
            if (stopPostgres) {
                stores.embeddedPostgres().shutdown();
            }
            try {
                HttpResponse<String> answer = cronOnce(server);
                if (answer.statusCode() == 200) {
                    cronOk.incrementAndGet();
                } else {
                    cronFailures.add(answer.statusCode() + (stopPostgres ? " (PostgreSQL stopped)" : " "
                            + answer.body()));
                }
            } catch (IOException e) {
                cronFailures.add(e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                if (stopPostgres) {
                    stores.embeddedPostgres().restart();
                    faults.add("PostgreSQL down during a cron run");
                    postgresFaultDone = true;
                }
            }
        }
    }

    private void heapLoop(Server server, AtomicBoolean running) {
        long next = System.nanoTime() + cronEvery.toNanos();
        while (running.get()) {
            if (System.nanoTime() < next) {
                sleep(200);
                continue;
            }
            next += cronEvery.toNanos();
            long kb = server.heapUsedAfterGcKb();
            if (kb > 0) {
                heapSamplesKb.add(kb);
            }
        }
    }

    private static HttpResponse<String> cronOnce(Server server) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.base + "/api/cron/analytics"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).timeout(Duration.ofMinutes(5))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void pace(long started, long tracked) {
        long due = started + (long) (tracked * 1e9 / rate);
        sleepUntil(due);
    }

    static String mib(List<Long> samplesKb) {
        List<String> values = new ArrayList<>();
        for (long kb : samplesKb) {
            values.add(Long.toString(Math.round(kb / 1024.0)));
        }
        return String.join(" ", values);
    }

    /** Compares the peak of the last third of the samples with the peak of the first third. */
    static String flatness(List<Long> samplesKb) {
        if (samplesKb.size() < 3) {
            return "too few samples (" + samplesKb.size() + ")";
        }
        int third = samplesKb.size() / 3;
        long first = samplesKb.subList(0, third).stream().mapToLong(Long::longValue).max().orElse(1);
        long last = samplesKb.subList(samplesKb.size() - third, samplesKb.size()).stream().mapToLong(Long::longValue)
                .max().orElse(0);
        return String.format("peak of the last third / peak of the first third = %.2f", last / (double) first);
    }

    private static Thread daemon(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        return thread;
    }

    private static void sleepUntil(long nanoTime) {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            sleep(TimeUnit.NANOSECONDS.toMillis(wait) + 1);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code Main serve} in a child JVM on the parent's Redis and PostgreSQL, its output kept in a log file. */
    private static final class Server {
        private static final Pattern SERVING = Pattern.compile("Analytics server listening on (http://[^/\\s]+)/");
        private static final Pattern G1_USED = Pattern.compile("garbage-first heap\\s+total \\d+K, used (\\d+)K");

        final Process process;
        final String base;

        private Server(Process process, String base) {
            this.process = process;
            this.base = base;
        }

        static Server start(BackingStores stores, String heap) throws Exception {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder builder = new ProcessBuilder(java, "-Xmx" + heap, "-cp",
                    System.getProperty("java.class.path"), "io.github.iskahomes.analytics.examples.Main", "serve",
                    "--port", "0");
            Map<String, String> env = builder.environment();
            env.put("ANALYTICS_REDIS_URL", stores.redisUri());
            env.put("ANALYTICS_JDBC_URL", stores.jdbcUrl());
            env.put("ANALYTICS_JDBC_USER", stores.jdbcUser());
            env.put("ANALYTICS_JDBC_PASSWORD", stores.jdbcPassword());
            env.put("ANALYTICS_WEBHOOK_SECRET", SECRET);
            env.put("ANALYTICS_ADMIN_TOKEN", ADMIN_TOKEN);
            builder.redirectErrorStream(true);
            Process process = builder.start();
            Path log = Path.of(System.getProperty("java.io.tmpdir"), "analytics-soak-server.log");
            CompletableFuture<String> serving = new CompletableFuture<>();
            Thread pump = daemon("soak-server-output", () -> {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8)); PrintWriter out = new PrintWriter(Files.newBufferedWriter(log))) {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        out.println(line);
                        out.flush();
                        Matcher matcher = SERVING.matcher(line);
                        if (matcher.find()) {
                            serving.complete(matcher.group(1));
                        }
                    }
                } catch (IOException e) {
                    serving.completeExceptionally(e);
                }
                serving.completeExceptionally(new IllegalStateException("the server exited; see " + log));
            });
            pump.start();
            String base = serving.get(2, TimeUnit.MINUTES);
            System.out.printf("Server pid %d on %s (log %s)%n", process.pid(), base, log);
            return new Server(process, base);
        }

        /** Heap in use right after a full GC of the server's JVM, through jcmd; 0 when it cannot tell. */
        long heapUsedAfterGcKb() {
            String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            try {
                run(jcmd, Long.toString(process.pid()), "GC.run");
                Matcher matcher = G1_USED.matcher(run(jcmd, Long.toString(process.pid()), "GC.heap_info"));
                return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
            } catch (IOException e) {
                return 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
        }

        private static String run(String... command) throws IOException, InterruptedException {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor(1, TimeUnit.MINUTES);
            return output;
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /**
     * What posthog-js sends: batches as {@code data=<base64 JSON>} form bodies with the project key in the body,
     * resent until answered (503 while Redis is away). Every tenth batch is replayed later, as a client that lost
     * the answer would: its events must come back as duplicates.
     */
    private final class FormClient {
        private final URI endpoint;
        private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(20_000);
        private final List<byte[]> sentBodies = new ArrayList<>();
        private final SplittableRandom random = new SplittableRandom(7);
        private final Thread thread;
        private volatile boolean finishing;
        final AtomicLong delivered = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final AtomicLong replayedBatches = new AtomicLong();
        final AtomicLong replayedEvents = new AtomicLong();
        final AtomicLong replayCountedAgain = new AtomicLong();

        FormClient(URI endpoint) {
            this.endpoint = endpoint;
            this.thread = daemon("soak-form-client", this::loop);
        }

        void start() {
            thread.start();
        }

        void put(Event event) {
            try {
                queue.put(event);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void finish() throws InterruptedException {
            finishing = true;
            thread.join();
            for (byte[] body : sentBodies) {
                replay(body);
            }
        }

        private void loop() {
            List<Event> batch = new ArrayList<>();
            while (!finishing || !queue.isEmpty()) {
                try {
                    Event event = queue.poll(200, TimeUnit.MILLISECONDS);
                    if (event != null) {
                        batch.add(event);
                        queue.drainTo(batch, 99);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (batch.size() >= 100 || (!batch.isEmpty() && queue.isEmpty())) {
                    byte[] body = formBody(batch);
                    JsonNode answer = sendUntilAnswered(body);
                    if (answer != null) {
                        delivered.addAndGet(answer.path("ingested").asLong() + answer.path("duplicates").asLong());
                        refused.addAndGet(answer.path("rejected").size());
                    } else {
                        refused.addAndGet(batch.size());
                    }
                    if (random.nextInt(10) == 0) {
                        sentBodies.add(body);
                    }
                    if (sentBodies.size() > 20) {
                        replay(sentBodies.remove(random.nextInt(sentBodies.size())));
                    }
                    batch.clear();
                }
            }
        }

        private void replay(byte[] body) {
            JsonNode answer = sendUntilAnswered(body);
            if (answer != null) {
                replayedBatches.incrementAndGet();
                replayedEvents.addAndGet(answer.path("duplicates").asLong() + answer.path("ingested").asLong());
                replayCountedAgain.addAndGet(answer.path("ingested").asLong());
            }
        }

        private byte[] formBody(List<Event> events) {
            String json = new String(EventJson.encodePostHogBatch(SECRET, events), StandardCharsets.UTF_8);
            String data = Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
            return ("data=" + URLEncoder.encode(data, StandardCharsets.UTF_8)).getBytes(StandardCharsets.US_ASCII);
        }

        /** The answer's JSON once the server took the batch; null if it refused it for good (a 4xx). */
        private JsonNode sendUntilAnswered(byte[] body) {
            long backoff = 50;
            while (true) {
                try {
                    HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(endpoint)
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .timeout(Duration.ofSeconds(30))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (answer.statusCode() == 200) {
                        return JSON.readTree(answer.body());
                    }
                    if (answer.statusCode() < 500 && answer.statusCode() != 429) {
                        System.out.printf("form client: %d %s%n", answer.statusCode(), answer.body());
                        return null;
                    }
                } catch (IOException e) {
                    // the server or Redis is away for a moment: resend, as posthog-js does
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
                sleep(backoff);
                backoff = Math.min(1_000, backoff * 2);
            }
        }
    }
}
