package io.github.iskahomes.analytics.redis;

import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.PayloadTooLargeException;
import io.github.iskahomes.analytics.core.StoreUnavailableException;
import io.github.iskahomes.analytics.core.internal.CheckedEvent;
import io.github.iskahomes.analytics.core.internal.DecodedBatch;
import io.github.iskahomes.analytics.core.internal.DecodedEvent;
import io.github.iskahomes.analytics.core.internal.EventJson;
import io.github.iskahomes.analytics.core.internal.EventValidator;
import io.github.iskahomes.analytics.core.internal.Listeners;
import io.github.iskahomes.analytics.core.internal.MetricContract;
import io.github.iskahomes.analytics.core.internal.MutationPlan;
import io.github.iskahomes.analytics.core.internal.Properties;
import io.github.iskahomes.analytics.core.internal.Validation;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns batches of events into Redis state, following the metric contract of analytics-core: validates each event,
 * plans the counters, unique sets and metadata its type implies and applies them exactly once per event uuid while
 * the event's day is retained. A batch costs one pipelined round trip (two after Redis lost its scripts), whatever its size.
 *
 * <p>An event sent with a uuid but without a timestamp keeps the timestamp of its first try (a UUIDv7's time, else
 * its arrival): the first try pins it in Redis under the uuid, which costs that batch one more round trip, and every
 * later try reads it back, so a retry lands on the same day and is a duplicate however late it comes while that
 * day is retained. At creation the ingestor warns (SLF4J) when Redis's {@code maxmemory-policy} may evict keys.
 *
 * <p>Build one per application and share it: it is thread-safe. It uses a connection of its own (auto-flush off, so
 * each batch leaves in one write) and closes only what it opened: {@link #create(RedisClient, RedisURI, IngestorConfig)}
 * and {@link #create(RedisClusterClient, IngestorConfig)} borrow the host's client and leave it open;
 * {@link #connect(String, IngestorConfig)} owns its client and shuts it down on {@link #close()}.
 *
 * <p>Redis unavailable or slower than {@link IngestorConfig#commandTimeout()}: {@code ingest} throws
 * {@link io.github.iskahomes.analytics.core.StoreUnavailableException} naming the server. Retrying the same batch
 * later is safe: nothing is counted twice and nothing applied is lost.
 *
 * <p>Each call is told to {@link IngestorConfig#listener()} (its counts, rejections by category and time, or Redis
 * unavailable), for metrics; a listener that throws is logged and changes nothing.
 */
public final class Ingestor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Ingestor.class);

    private final IngestorConfig config;
    private final RedisStore store;
    private final EventValidator validator;
    private final BatchWriter writer;
    private final AnalyticsReader reader;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Clock clock = Clock.systemUTC();
    private final String evictionWarning;

    private Ingestor(RedisStore store, IngestorConfig config, ScriptCalls calls) {
        this.config = config;
        this.store = store;
        this.validator = new EventValidator(config.validationRules());
        Keys keys = new Keys(config.keyPrefix(), config.indexShards());
        this.writer = new BatchWriter(store, keys, config, calls);
        this.reader = new AnalyticsReader(store, keys, config, false);
        try {
            writer.loadScripts();
        } catch (RuntimeException e) {
            // Not fatal: the first batch loads them on demand (NOSCRIPT).
            log.debug("loading the ingest scripts up front failed: {}", e.toString());
        }
        this.evictionWarning = checkEviction(store);
        log.info("Ingestor ready: {}, {}", store.server(), config);
    }

    /**
     * An ingestor on a standalone Redis, through the host's client (left open on {@link #close()}).
     *
     * @throws io.github.iskahomes.analytics.core.StoreUnavailableException if Redis cannot be reached
     */
    public static Ingestor create(RedisClient client, RedisURI uri, IngestorConfig config) {
        return create(client, uri, config, ScriptCalls.DIRECT);
    }

    /** As {@link #create(RedisClient, RedisURI, IngestorConfig)}, sending each script call through {@code calls}. */
    static Ingestor create(RedisClient client, RedisURI uri, IngestorConfig config, ScriptCalls calls) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(config, "config");
        return new Ingestor(RedisStore.standalone(client, uri, config.commandTimeout(), new ArrayList<>()), config,
                calls);
    }

    /**
     * An ingestor on a Redis Cluster, through the host's client (left open on {@link #close()}).
     *
     * @throws io.github.iskahomes.analytics.core.StoreUnavailableException if the Cluster cannot be reached
     */
    public static Ingestor create(RedisClusterClient client, IngestorConfig config) {
        return create(client, config, ScriptCalls.DIRECT);
    }

    /** As {@link #create(RedisClusterClient, IngestorConfig)}, sending each script call through {@code calls}. */
    static Ingestor create(RedisClusterClient client, IngestorConfig config, ScriptCalls calls) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(config, "config");
        return new Ingestor(RedisStore.cluster(client, config.commandTimeout(), new ArrayList<>()), config, calls);
    }

    /**
     * An ingestor that opens (and on {@link #close()} shuts down) its own Lettuce client: {@code redis://host:port},
     * {@code rediss://…} or {@code redis-cluster://host1:port1,host2:port2}. Its commands fail at once while Redis is
     * disconnected (instead of queueing) and it reconnects within about a second after Redis comes back.
     *
     * @throws IllegalArgumentException if {@code uri} is not a Redis URI
     * @throws io.github.iskahomes.analytics.core.StoreUnavailableException if Redis cannot be reached
     */
    public static Ingestor connect(String uri, IngestorConfig config) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(config, "config");
        return new Ingestor(RedisStore.open(uri, config.commandTimeout()), config, ScriptCalls.DIRECT);
    }

    /** The configuration this ingestor runs with. */
    public IngestorConfig config() {
        return config;
    }

    /** The read side over the same connection, for the aggregator; closing it does nothing (this ingestor owns it). */
    public AnalyticsReader reader() {
        return reader;
    }

    /**
     * Ingests events. Invalid ones are reported in {@link IngestResult#rejected()}, the others applied. camelCase
     * property aliases ({@code listingId}, {@code viewedFrom}, …) are read as their snake_case names, as in JSON bodies.
     *
     * @throws PayloadTooLargeException if there are more than {@link IngestorConfig#maxEventsPerRequest()} events
     * @throws io.github.iskahomes.analytics.core.StoreUnavailableException if Redis is unavailable or too slow; retry
     */
    public IngestResult ingest(List<Event> events) {
        List<DecodedEvent> decoded = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            decoded.add(new DecodedEvent(i, events.get(i), null));
        }
        return observed(decoded);
    }

    /** The event with camelCase aliases renamed, or the event itself when it has none (the usual case). */
    private static Event canonical(Event event) {
        if (event == null) {
            return null;
        }
        for (String key : event.properties().keySet()) {
            if (!Properties.canonical(key).equals(key)) {
                Map<String, Object> renamed = new LinkedHashMap<>();
                event.properties().forEach((k, v) -> renamed.put(Properties.canonical(k), v));
                return new Event(event.name(), event.distinctId(), event.timestamp(), event.uuid(), renamed);
            }
        }
        return event;
    }

    /**
     * Ingests a decoded request body (for {@link IngestHandler}); elements that failed to decode are rejected with
     * their problem. See {@link #ingest(List)}. Not an overload of {@code ingest}: javac reads every overload's
     * signature where a host calls one (or writes {@code ingestor::ingest}), and a module-path host cannot see
     * {@code DecodedBatch}.
     */
    IngestResult ingestBatch(DecodedBatch batch) {
        return observed(batch.events());
    }

    /**
     * Decodes and ingests a JSON request body in any shape {@link IngestHandler} accepts (not compressed, not size
     * limited: the handler does both). See {@link #ingest(List)}.
     *
     * @throws io.github.iskahomes.analytics.core.MalformedPayloadException if the body is not an accepted JSON shape
     */
    public IngestResult ingest(InputStream body) {
        return ingestBatch(EventJson.decode(body, config.maxEventsPerRequest()));
    }

    /**
     * {@link #ingestDecoded} told to the configured {@link IngestorListener}: the batch when it completes, Redis
     * unavailable when it fails so. A call refused before its work (closed, too many events) is not a batch.
     */
    private IngestResult observed(List<DecodedEvent> events) {
        long started = System.nanoTime();
        IngestResult result;
        try {
            result = ingestDecoded(events);
        } catch (StoreUnavailableException e) {
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            Listeners.call(log, config.listener(), "onUnavailable",
                    () -> config.listener().onUnavailable(e, events.size(), elapsed));
            throw e;
        }
        IngestBatch batch = IngestBatch.of(result, Duration.ofNanos(System.nanoTime() - started));
        Listeners.call(log, config.listener(), "onBatch", () -> config.listener().onBatch(batch));
        return result;
    }

    private IngestResult ingestDecoded(List<DecodedEvent> events) {
        if (closed.get()) {
            throw new IllegalStateException("the Ingestor is closed");
        }
        if (events.size() > config.maxEventsPerRequest()) {
            throw new PayloadTooLargeException("the request has " + events.size() + " events; at most "
                    + config.maxEventsPerRequest() + " are allowed per request");
        }
        var now = clock.instant();
        int n = events.size();
        Outcome outcome = new Outcome(n, writer.stream(n));
        try {
            return ingestChecked(events, now, outcome);
        } finally {
            outcome.stream.done();
        }
    }

    private IngestResult ingestChecked(List<DecodedEvent> events, Instant now, Outcome outcome) {
        int n = events.size();
        Event[] canonical = new Event[n];
        Validation.Rejected[] problems = new Validation.Rejected[n];
        CheckedEvent[] checked = new CheckedEvent[n];
        if (!anyUntimedWithUuid(events)) {
            // The usual batch (the batcher's: every event timed): each event goes to the writer as soon as it is
            // validated, so Redis runs the first sub-batch while the rest are validated and planned.
            for (int p = 0; p < n; p++) {
                if (prepare(events.get(p), p, canonical, problems)) {
                    check(p, canonical[p], now, problems, checked);
                }
                outcome.add(events.get(p), problems[p], checked[p]);
            }
            return outcome.finish(events.size());
        }
        // uuid → the timestamp this try gives it, for events sent with a uuid but without a timestamp
        Map<String, Instant> untimed = new LinkedHashMap<>();
        for (int p = 0; p < n; p++) {
            if (prepare(events.get(p), p, canonical, problems)
                    && check(p, canonical[p], now, problems, checked) && isUntimedWithUuid(canonical[p])) {
                // Milliseconds: what the pin stores, so the first try and its retries carry the very same instant.
                untimed.putIfAbsent(checked[p].uuid(), checked[p].event().timestamp().truncatedTo(ChronoUnit.MILLIS));
            }
        }
        if (!untimed.isEmpty()) {
            // Every try of an untimed event takes the timestamp of its first try, so it lands on the same day (and
            // meets its own dedupe markers) whatever the clock did in between. Pinned before any of the batch's
            // mutations is sent, so a try cut off by a failure has always pinned first.
            Map<String, Instant> pinned = writer.pinTimestamps(untimed);
            for (int p = 0; p < n; p++) {
                if (checked[p] != null && isUntimedWithUuid(canonical[p])) {
                    check(p, canonical[p].withTimestamp(pinned.get(checked[p].uuid())), now, problems, checked);
                }
            }
        }
        for (int p = 0; p < n; p++) {
            outcome.add(events.get(p), problems[p], checked[p]);
        }
        return outcome.finish(events.size());
    }

    /**
     * The canonical form of the element at {@code p} into {@code canonical[p]}, or its decoding problem into
     * {@code problems[p]}; whether it is to be validated.
     */
    private static boolean prepare(DecodedEvent element, int p, Event[] canonical, Validation.Rejected[] problems) {
        if (element.problem() != null) {
            problems[p] = new Validation.Rejected(element.problem(), element.category());
            return false;
        }
        canonical[p] = canonical(element.event());
        return true;
    }

    /** Whether some element is an event sent with a uuid but without a timestamp (aliases change neither). */
    private static boolean anyUntimedWithUuid(List<DecodedEvent> events) {
        for (DecodedEvent element : events) {
            if (element.problem() == null && element.event() != null && isUntimedWithUuid(element.event())) {
                return true;
            }
        }
        return false;
    }

    /**
     * A batch's outcome, gathered in the events' order: rejections, duplicates within the batch (the first of a uuid
     * is written, every later one is a duplicate), and the plans handed to the writer's stream as they come.
     */
    private static final class Outcome {
        private final List<IngestResult.Rejection> rejected = new ArrayList<>();
        private final List<MutationPlan> plans;
        private final Set<String> uuids;
        private final BatchWriter.Stream stream;
        private int duplicates;

        Outcome(int n, BatchWriter.Stream stream) {
            this.plans = new ArrayList<>(n);
            this.uuids = new HashSet<>(n * 2);
            this.stream = stream;
        }

        void add(DecodedEvent element, Validation.Rejected problem, CheckedEvent checked) {
            if (problem != null) {
                rejected.add(new IngestResult.Rejection(element.index(), element.uuid(), problem.reason(),
                        problem.category()));
            } else if (uuids.add(checked.uuid())) {
                MutationPlan plan = MetricContract.plan(checked);
                plans.add(plan);
                stream.add(plan, element.index());
            } else {
                duplicates++;
            }
        }

        IngestResult finish(int size) {
            int ingested = 0;
            Map<String, Integer> byDay = new HashMap<>();
            if (!plans.isEmpty()) {
                boolean[] applied = stream.finish();
                // A batch spans a day or two: each day's key text is formatted once, not once per event.
                Map<LocalDate, int[]> perDay = new HashMap<>(4);
                LocalDate lastDay = null;
                int[] lastCount = null;
                for (int i = 0; i < applied.length; i++) {
                    if (applied[i]) {
                        ingested++;
                        LocalDate day = plans.get(i).day();
                        if (!day.equals(lastDay)) {
                            lastDay = day;
                            lastCount = perDay.computeIfAbsent(day, d -> new int[1]);
                        }
                        lastCount[0]++;
                    } else {
                        duplicates++;
                    }
                }
                perDay.forEach((day, count) -> byDay.put(Keys.day(day), count[0]));
            }
            if (log.isDebugEnabled()) {
                log.debug("ingested {}, duplicates {}, rejected {} of {} events", ingested, duplicates,
                        rejected.size(), size);
            }
            return new IngestResult(ingested, duplicates, byDay, rejected);
        }
    }

    /** Validates the event at position {@code p} into {@code checked[p]} or {@code problems[p]}; whether it passed. */
    private boolean check(int p, Event event, Instant now, Validation.Rejected[] problems, CheckedEvent[] checked) {
        Validation validation = validator.validate(event, now);
        if (validation instanceof Validation.Accepted accepted) {
            checked[p] = accepted.event();
            problems[p] = null;
            return true;
        }
        checked[p] = null;
        problems[p] = (Validation.Rejected) validation;
        return false;
    }

    /** Sent with a uuid but without a timestamp: the events whose timestamp is pinned on their first try. */
    private static boolean isUntimedWithUuid(Event event) {
        return event.timestamp() == null && event.uuid() != null && !event.uuid().isEmpty();
    }

    /** For tests: the start-up warning that Redis may evict keys, or {@code null} when it may not (or was not checked). */
    String evictionWarning() {
        return evictionWarning;
    }

    /**
     * Warns (once, at start-up) when Redis may evict keys: every key the ingestor writes has an expiry, so even the
     * {@code volatile-*} policies can pick them, and an evicted marker bucket makes the next retry of its events
     * count again. Never fails: a managed Redis may refuse {@code CONFIG}, which is only worth an info line.
     * Returns the warning, or {@code null}.
     */
    private static String checkEviction(RedisStore store) {
        Map<String, String> policies;
        try {
            policies = store.maxmemoryPolicies();
        } catch (RuntimeException e) {
            log.info("could not check the maxmemory-policy of {} ({}); it must be noeviction, since an evicted dedupe"
                    + " marker lets a retried event count twice", store.server(), e.getMessage());
            return null;
        }
        List<String> evicting = new ArrayList<>();
        for (Map.Entry<String, String> server : policies.entrySet()) {
            if (server.getValue() == null) {
                log.info("{} reports no maxmemory-policy; it must be noeviction, since an evicted dedupe marker lets a"
                        + " retried event count twice", server.getKey());
            } else if (!"noeviction".equalsIgnoreCase(server.getValue())) {
                evicting.add(server.getKey() + " has maxmemory-policy " + server.getValue());
            }
        }
        if (evicting.isEmpty()) {
            return null;
        }
        String warning = String.join(", ", evicting) + (evicting.size() == 1 ? ", so it may" : ", so they may")
                + " evict keys when memory is full; an evicted dedupe marker lets a retried event count twice."
                + " Set maxmemory-policy noeviction.";
        log.warn(warning);
        return warning;
    }

    /** For tests of late and early events: the clock validation uses. */
    void clock(Clock newClock) {
        this.clock = Objects.requireNonNull(newClock, "clock");
    }

    /** Closes the ingestor's own connection, and the client if {@link #connect} opened it. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            store.close();
            log.debug("Ingestor on {} closed", store.server());
        }
    }
}
