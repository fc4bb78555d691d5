package io.github.iskahomes.analytics.jdbc;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import javax.sql.DataSource;

import io.github.iskahomes.analytics.core.EntityKind;
import io.github.iskahomes.analytics.core.LeadAction;
import io.github.iskahomes.analytics.core.internal.Listeners;
import io.github.iskahomes.analytics.jdbc.AggregationResult.EntityError;
import io.github.iskahomes.analytics.jdbc.AggregationResult.Processed;
import io.github.iskahomes.analytics.redis.AnalyticsReader;
import io.github.iskahomes.analytics.redis.AnalyticsReader.DayWatch;
import io.github.iskahomes.analytics.redis.EntityDay;
import io.github.iskahomes.analytics.redis.LeadState;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what the Ingestor left in Redis into daily rows in PostgreSQL: {@code listing_analytics},
 * {@code user_analytics}, {@code development_analytics}, {@code leads} (with its append-only {@code lead_actions}),
 * with the derived metrics and calendar columns, and the sales columns from {@code sales_listings}.
 *
 * <p>Host schedulers call {@link #run()} (every retained day) or {@link #run(LocalDate...)}. Guarantees:
 * <ul>
 *   <li>Idempotent: Redis's absolute values for a retained day replace that day's rows, so running twice, or again
 *       after more events arrived, leaves exactly the right totals. A day Redis no longer holds is skipped and
 *       reported, never overwritten with zeros.</li>
 *   <li>A day's rows are only ever replaced by a complete reading of that day. Each day runs under its own
 *       savepoint; after reading it, the run checks that the day-wide keys it saw at the start still exist
 *       ({@link AnalyticsReader#intact}), which, since every key of a day expires at one instant, proves nothing
 *       read had expired. A day that expired, wholly or in part, while it was read is rolled back (its entity rows,
 *       leads, sales columns, tallies and errors) and reported in {@link AggregationResult#skippedDays()}.</li>
 *   <li>One run at a time per database schema: the whole run is one transaction that first takes
 *       {@code pg_try_advisory_xact_lock}. A transaction-scoped lock is released by COMMIT/ROLLBACK on the very
 *       connection that did the work, so it is safe behind a transaction pooler (PgBouncer) where session locks
 *       leak; a concurrent caller gets {@link AggregationResult#LOCK_HELD} at once. The price of one transaction is
 *       that readers see a run's rows only when it commits, which dashboards of daily rollups do not mind.</li>
 *   <li>Memory stays flat: entities stream from Redis in chunks of {@link AggregatorConfig#chunkSize()} and each
 *       chunk is one COPY into a temporary table plus one merge from it (no row-at-a-time round trips; one
 *       {@code unnest} upsert per chunk when COPY is off, see {@link AggregatorConfig#copy()}). While a chunk is written, the next one
 *       is read from Redis by a helper thread that lives only as long as the day's reading (at most three chunks in
 *       memory).</li>
 *   <li>A failing entity is reported in the result's {@code errors} (id and reason) and the rest commit: each
 *       chunk runs under a savepoint, and a failed chunk is retried entity by entity to single out the culprit.
 *       For leads the unit of failure is one action: an action whose text PostgreSQL cannot store (U+0000, an
 *       unpaired surrogate) is reported and left out, and a lead the database refuses is retried action by action,
 *       so the lead and its other actions are written.</li>
 *   <li>Leads: actions are appended, never replaced; {@code status} and {@code notes} are never written.</li>
 * </ul>
 *
 * <p>Each run is told to {@link AggregatorConfig#listener()} (started; then finished with its result, lock held
 * elsewhere, or failed), for metrics and health; a listener that throws is logged and changes nothing.
 *
 * <p>Thread-safe (runs from several threads or instances serialise on the lock). Does not own the Jdbi, data source
 * or reader it is given.
 *
 * @see Schema#migrate(Jdbi) which must have run first
 */
public final class Aggregator {
    private static final Logger log = LoggerFactory.getLogger(Aggregator.class);
    private static final String DAY_SAVEPOINT = "day";
    private static final String CHUNK_SAVEPOINT = "chunk";
    private static final Map<EntityKind, String> TABLE_NAMES = Map.of(
            EntityKind.LISTING, "listings", EntityKind.USER, "users", EntityKind.DEVELOPMENT, "developments");

    private final Jdbi jdbi;
    private final AnalyticsReader reader;
    private final AggregatorConfig config;
    private final String store;
    private final Map<EntityKind, EntityUpsert> upserts = new EnumMap<>(EntityKind.class);
    /** Test seam: told (day, table) on the reading thread after each chunk is handed on, before the next is read. */
    private volatile BiConsumer<LocalDate, String> afterChunkRead = (day, table) -> { };
    private final AtomicBoolean copyFallbackLogged = new AtomicBoolean();

    private Aggregator(Jdbi jdbi, AnalyticsReader reader, AggregatorConfig config, String store) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
        this.reader = Objects.requireNonNull(reader, "reader");
        this.config = Objects.requireNonNull(config, "config");
        this.store = store;
        for (EntityKind kind : EntityKind.values()) {
            upserts.put(kind, new EntityUpsert(kind));
        }
    }

    /** An aggregator with {@link AggregatorConfig#defaults()}. */
    public static Aggregator create(Jdbi jdbi, AnalyticsReader reader) {
        return create(jdbi, reader, AggregatorConfig.defaults());
    }

    /** An aggregator over the host's data source with {@link AggregatorConfig#defaults()}. */
    public static Aggregator create(DataSource dataSource, AnalyticsReader reader) {
        return create(dataSource, reader, AggregatorConfig.defaults());
    }

    /** An aggregator writing through the host's Jdbi and reading through the reader (usually ingestor.reader()). */
    public static Aggregator create(Jdbi jdbi, AnalyticsReader reader, AggregatorConfig config) {
        return new Aggregator(jdbi, reader, config, "PostgreSQL");
    }

    /** An aggregator over the host's data source (named in errors by its URL when it tells it). */
    public static Aggregator create(DataSource dataSource, AnalyticsReader reader, AggregatorConfig config) {
        return new Aggregator(Jdbi.create(dataSource).installPlugin(new PostgresPlugin()), reader, config,
                Stores.describe(dataSource));
    }

    /**
     * Aggregates every day Redis still retains (oldest first).
     *
     * @throws io.github.iskahomes.analytics.core.StoreUnavailableException if PostgreSQL (naming it) or Redis is
     *         unavailable; nothing of the run is committed and the next run completes the same days
     * @throws io.github.iskahomes.analytics.core.AnalyticsException if the schema is older than this library's
     *         ({@link Schema#migrate(Jdbi)} has not run since the library was upgraded); nothing is read or written
     */
    public AggregationResult run() {
        return observed(reader::retainedDays);
    }

    /** Aggregates the given days. See {@link #run()}. */
    public AggregationResult run(LocalDate... days) {
        return run(Arrays.asList(days));
    }

    /** Aggregates the given days (duplicates ignored, oldest first). See {@link #run()}. */
    public AggregationResult run(Collection<LocalDate> days) {
        Objects.requireNonNull(days, "days");
        return observed(() -> days);
    }

    /**
     * A run of the days {@code days} gives, told to the configured {@link AggregatorListener}: its start, then how it
     * ended (committed, lock held elsewhere, or failed with what it throws). Listing the days is part of the run,
     * so a Redis that cannot even say which days it retains is a failed run too.
     */
    private AggregationResult observed(Supplier<Collection<LocalDate>> days) {
        AggregatorListener listener = config.listener();
        long started = System.nanoTime();
        Listeners.call(log, listener, "onRunStarted", () -> listener.onRunStarted(Instant.now()));
        AggregationResult result;
        try {
            result = transaction(new TreeSet<>(days.get()));
        } catch (RuntimeException e) {
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            Listeners.call(log, listener, "onRunFailed", () -> listener.onRunFailed(e, elapsed));
            throw e;
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        if (result.success()) {
            Listeners.call(log, listener, "onRunFinished", () -> listener.onRunFinished(result, elapsed));
        } else {
            Listeners.call(log, listener, "onLockHeldElsewhere", () -> listener.onLockHeldElsewhere(elapsed));
        }
        return result;
    }

    private AggregationResult transaction(TreeSet<LocalDate> ordered) {
        try {
            return jdbi.inTransaction(handle -> runLocked(handle, ordered));
        } catch (JdbiException e) {
            throw Stores.translate(store, "aggregating " + ordered, e);
        }
    }

    private AggregationResult runLocked(Handle handle, TreeSet<LocalDate> days) {
        Boolean locked = handle.createQuery("SELECT pg_try_advisory_xact_lock(hashtext(:name), hashtext(current_schema()))")
                .bind("name", config.lockName()).mapTo(Boolean.class).one();
        if (!locked) {
            log.info("Aggregation skipped: {}", AggregationResult.LOCK_HELD);
            return AggregationResult.lockHeld();
        }
        // Before reading Redis: on an older schema every upsert would fail (they call V3's functions), entity by
        // entity, and the run would report each one instead of the one thing to do.
        Schema.requireCurrent(handle);
        CopyManager copy = copyManager(handle);
        // One COPY buffer for the run's chunks, grown to the largest: the writing thread owns it.
        EntityUpsert.CopyBuffer buffer = new EntityUpsert.CopyBuffer();
        Map<String, Tally> tallies = new LinkedHashMap<>();
        for (String table : List.of("listings", "users", "developments", "leads")) {
            tallies.put(table, new Tally());
        }
        List<LocalDate> finalised = new ArrayList<>();
        List<LocalDate> skipped = new ArrayList<>();
        Clock clock = new Clock();
        for (LocalDate day : days) {
            Optional<DayWatch> watch = reader.watch(day);
            if (watch.isEmpty()) {
                log.info("Skipping {}: Redis holds no data for it (expired or never ingested)", day);
                skipped.add(day);
                continue;
            }
            long started = System.nanoTime();
            Map<String, Tally.Mark> before = new LinkedHashMap<>();
            tallies.forEach((table, tally) -> before.put(table, tally.mark()));
            // The day is all or nothing: its chunk savepoints nest inside this one, which is rolled back (tallies and
            // errors too) when the day turns out to have expired while it was read.
            handle.savepoint(DAY_SAVEPOINT);
            if (!aggregateDay(handle, new Copy(copy, buffer), day, watch.get(), tallies, clock)) {
                handle.rollbackToSavepoint(DAY_SAVEPOINT);
                tallies.forEach((table, tally) -> tally.reset(before.get(table)));
                log.warn("Skipping {}: Redis forgot part of it while this run read it (its keys expired); its rows "
                        + "are left as they were", day);
                skipped.add(day);
                continue;
            }
            handle.createUpdate("""
                            INSERT INTO aggregated_days (date, listings, users, developments, leads)
                            VALUES (:date, :listings, :users, :developments, :leads)
                            ON CONFLICT (date) DO UPDATE SET listings = EXCLUDED.listings, users = EXCLUDED.users,
                                developments = EXCLUDED.developments, leads = EXCLUDED.leads, finalised_at = now()""")
                    .bind("date", day)
                    .bind("listings", tallies.get("listings").inserted - before.get("listings").inserted())
                    .bind("users", tallies.get("users").inserted - before.get("users").inserted())
                    .bind("developments", tallies.get("developments").inserted - before.get("developments").inserted())
                    .bind("leads", tallies.get("leads").inserted - before.get("leads").inserted())
                    .execute();
            handle.releaseSavepoint(DAY_SAVEPOINT);
            finalised.add(day);
            log.info("Aggregated {} in {} ms", day, (System.nanoTime() - started) / 1_000_000);
        }
        Map<String, Processed> processed = new LinkedHashMap<>();
        tallies.forEach((table, tally) -> processed.put(table, new Processed(tally.inserted, tally.errors)));
        long total = System.nanoTime() - clock.started;
        return new AggregationResult(null, finalised, skipped, processed, new AggregationResult.Timings(
                Duration.ofNanos(total - clock.postgresNanos), Duration.ofNanos(clock.postgresNanos)));
    }

    /**
     * Reads and writes one day; false when the reading was incomplete because keys of the day expired meanwhile
     * (Redis answers a missing key as 0, which must never replace a stored row).
     */
    private boolean aggregateDay(Handle handle, Copy copy, LocalDate day, DayWatch watch,
                                 Map<String, Tally> tallies, Clock clock) {
        // Per kind, whether its table held no row of the day when the kind's first chunk came (see entities).
        Map<EntityKind, Boolean> fresh = new EnumMap<>(EntityKind.class);
        // The reading thread also sorts out and encodes each chunk for COPY, so that the writer only sends it:
        // encoding was about a third of the writing thread's time, spent while PostgreSQL waited for the chunk.
        // Three buffers in turn: at most three chunks exist at once (ReadAhead), so a buffer is encoded again only
        // once the chunk it held has been written.
        EntityUpsert.CopyBuffer[] buffers = copy.manager() == null ? null
                : new EntityUpsert.CopyBuffer[] {new EntityUpsert.CopyBuffer(), new EntityUpsert.CopyBuffer(),
                        new EntityUpsert.CopyBuffer()};
        int[] chunks = new int[1];
        // One reading thread for the whole day, every kind and then the leads: the writer never waits for the first
        // chunk of the next kind, which the reader could have read while the last chunk of this one was written.
        ReadAhead.run("the entities and leads of " + day, (Consumer<Part> sink) -> {
            for (EntityKind kind : EntityKind.values()) {
                EntityUpsert upsert = upserts.get(kind);
                reader.forEachEntity(kind, day, config.chunkSize(), observed(day, TABLE_NAMES.get(kind),
                        chunk -> sink.accept(prepared(upsert, chunk, buffers == null ? null
                                : buffers[chunks[0]++ % buffers.length]))));
            }
            reader.forEachLead(day, config.chunkSize(), observed(day, "leads",
                    chunk -> sink.accept(new Part(null, null, null, null, chunk))));
        }, (Part part) -> clock.postgres(() -> {
            if (part.kind() == null) {
                leads(handle, day, part.leads(), tallies.get("leads"));
            } else {
                entities(handle, copy, upserts.get(part.kind()), day, part, tallies.get(TABLE_NAMES.get(part.kind())),
                        fresh);
            }
        }));
        // After every read of the day: the watched keys share the day's expiry, so if they are all still there,
        // nothing read before had expired.
        if (!reader.intact(watch)) {
            return false;
        }
        clock.postgres(() -> {
            handle.createUpdate(Sql.resource("user_total_listings.sql")).bind("date", day).execute();
            handle.createUpdate(Sql.resource("user_active_listings.sql")).bind("date", day).execute();
            SalesRollup.refresh(handle, day);
        });
        return true;
    }

    /**
     * The run's COPY API ({@code manager} null when chunks go by {@code unnest}, see {@link #copyManager}) and the
     * buffer its chunks are encoded into.
     */
    private record Copy(CopyManager manager, EntityUpsert.CopyBuffer buffer) {
    }

    /**
     * One chunk of a day's reading: entity-days of one kind, those that can be rows ({@code good}, encoded for COPY
     * when there is a buffer and more than one, else {@code encoded} is null) and why the others cannot
     * ({@code problems}, id and reason in turn); or ({@code kind} null) leads.
     */
    private record Part(EntityKind kind, List<EntityDay> good, List<String> problems,
                        EntityUpsert.CopyBuffer encoded, List<LeadState> leads) {
    }

    /** A chunk of entity-days sorted into rows and problems, the rows encoded into {@code buffer} if there is one. */
    private static Part prepared(EntityUpsert upsert, List<EntityDay> chunk, EntityUpsert.CopyBuffer buffer) {
        List<EntityDay> good = new ArrayList<>(chunk.size());
        List<String> problems = new ArrayList<>(0);
        for (EntityDay entity : chunk) {
            String problem = upsert.problem(entity);
            if (problem == null) {
                good.add(entity);
            } else {
                problems.add(entity.entity().id());
                problems.add(problem);
            }
        }
        EntityUpsert.CopyBuffer encoded = null;
        if (buffer != null && good.size() > 1) {
            try {
                encoded = upsert.encode(good, buffer);
            } catch (JdbiException e) {
                // Text COPY cannot carry: the writer encodes the chunk again inside its attempt, which fails the
                // usual way (merge, then row by row).
                encoded = null;
            }
        }
        return new Part(upsert.kind(), good, problems, encoded, null);
    }

    /** Lets tests act between two chunks of a day's reading (for example, make the day expire there). */
    void afterChunkRead(BiConsumer<LocalDate, String> hook) {
        this.afterChunkRead = Objects.requireNonNull(hook, "hook");
    }

    private <T> Consumer<T> observed(LocalDate day, String table, Consumer<T> sink) {
        BiConsumer<LocalDate, String> hook = afterChunkRead;
        return chunk -> {
            sink.accept(chunk);
            hook.accept(day, table);
        };
    }

    /**
     * PgJDBC's COPY API for the run's connection, or null (chunks then go by {@code unnest}) when COPY is turned off,
     * the connection is a wrapper that does not unwrap to {@link PGConnection}, or the role may not create the
     * temporary stage table.
     */
    CopyManager copyManager(Handle handle) {
        if (!config.copy()) {
            return null;
        }
        CopyManager copy;
        try {
            copy = handle.getConnection().unwrap(PGConnection.class).getCopyAPI();
        } catch (SQLException | RuntimeException e) {
            copyFallback("the connection (" + handle.getConnection().getClass().getName()
                    + ") does not unwrap to PgJDBC's PGConnection (" + e + ")");
            return null;
        }
        // Without it every chunk's stage table would be refused and each chunk retried row by row: correct, slow.
        if (!handle.createQuery("SELECT has_database_privilege(current_database(), 'TEMPORARY')")
                .mapTo(Boolean.class).one()) {
            copyFallback("the role " + handle.createQuery("SELECT current_user").mapTo(String.class).one()
                    + " may not create temporary tables in this database");
            return null;
        }
        return copy;
    }

    private void copyFallback(String why) {
        if (!copyFallbackLogged.getAndSet(true)) {
            log.warn("Writing by unnest upserts, not COPY: {}", why);
        }
    }

    /**
     * The chunk by COPY and one merge; a single row (the retry of a failed chunk) by unnest, as before COPY. On the
     * day's first aggregation (its table held no row of the day when the kind's first chunk came), a chunk is
     * inserted without {@code ON CONFLICT}, which spares PostgreSQL a conflict check per row; should a row be there
     * after all (an id a rehashing index set gave twice, a row written meanwhile by another transaction), the chunk
     * is rolled back to its savepoint and merged instead, and so is the rest of the day.
     */
    private void entities(Handle handle, Copy copy, EntityUpsert upsert, LocalDate day, Part chunk, Tally tally,
                          Map<EntityKind, Boolean> fresh) {
        List<String> problems = chunk.problems();
        for (int p = 0; p < problems.size(); p += 2) {
            tally.error(problems.get(p), day, problems.get(p + 1));
        }
        List<EntityDay> good = chunk.good();
        EntityUpsert.CopyBuffer encoded = chunk.encoded();
        CopyManager manager = copy.manager();
        boolean byCopy = manager != null && good.size() > 1;
        if (byCopy) {
            // In the day's savepoint, not the chunk's: see EntityUpsert#emptyStage.
            upsert.emptyStage(handle);
            if (fresh.computeIfAbsent(upsert.kind(), kind -> upsert.dayIsNew(handle, day))) {
                // Encoded inside the attempt: text COPY cannot carry fails the attempt, and the chunk goes the
                // usual way (merge, then row by row).
                if (attempt(handle, () -> upsert.copyAndMerge(handle, manager, day,
                        encoded != null ? encoded : upsert.encode(good, copy.buffer()), true), e -> {
                    fresh.put(upsert.kind(), false);
                    log.debug("Inserting a chunk of {} rows for {} failed ({}); merging it instead", good.size(), day,
                            Stores.rootMessage(e));
                })) {
                    tally.inserted += good.size();
                    return;
                }
            }
        }
        guarded(handle, good, day, tally, e -> e.entity().id(), rows -> byCopy && rows.size() > 1
                ? upsert.copyAndMerge(handle, manager, day,
                        encoded != null && rows == good ? encoded : upsert.encode(rows, copy.buffer()), false)
                : upsert.execute(handle, day, rows));
    }

    /**
     * The unit of failure is one lead action, not the lead: an action PostgreSQL cannot store is reported and left
     * out, and a lead the database refuses is retried action by action, so the lead and its other actions are
     * written before Redis forgets them.
     */
    private void leads(Handle handle, LocalDate day, List<LeadState> chunk, Tally tally) {
        List<LeadState> storable = new ArrayList<>(chunk.size());
        for (LeadState lead : chunk) {
            List<LeadAction> actions = new ArrayList<>(lead.actions().size());
            for (LeadAction action : lead.actions()) {
                String problem = LeadUpsert.problem(action);
                if (problem == null) {
                    actions.add(action);
                } else {
                    tally.error(actionId(lead, action), day, notStored(lead, action, problem));
                }
            }
            storable.add(actions.size() == lead.actions().size() ? lead : LeadUpsert.withActions(lead, actions));
        }
        guarded(handle, storable, day, tally, rows -> LeadUpsert.execute(handle, day, rows),
                (lead, failure) -> leadActionByAction(handle, day, lead, failure, tally));
    }

    /** A lead the database refused as a whole: its row without actions, then each action under its own savepoint. */
    private void leadActionByAction(Handle handle, LocalDate day, LeadState lead, JdbiException failure,
                                    Tally tally) {
        String member = leadId(lead);
        if (lead.actions().isEmpty()) {
            tally.error(member, day, Stores.rootMessage(failure));
            return;
        }
        if (!attempt(handle, () -> LeadUpsert.execute(handle, day, List.of(LeadUpsert.withActions(lead, List.of()))),
                e -> tally.error(member, day, Stores.rootMessage(e)))) {
            return;
        }
        tally.inserted++;
        for (LeadAction action : lead.actions()) {
            attempt(handle, () -> LeadUpsert.execute(handle, day, List.of(LeadUpsert.withActions(lead, List.of(action)))),
                    e -> tally.error(actionId(lead, action), day, notStored(lead, action, Stores.rootMessage(e))));
        }
    }

    /** A lead as it is named in an {@link AggregationResult.EntityError}: {@code "listing L1, seeker s1"}. */
    private static String leadId(LeadState lead) {
        return "listing " + lead.lead().listingId() + ", seeker " + lead.lead().seekerId();
    }

    private static String actionId(LeadState lead, LeadAction action) {
        return leadId(lead) + ", action " + action.uuid();
    }

    private static String notStored(LeadState lead, LeadAction action, String why) {
        return "lead action " + action.uuid() + " of listing " + lead.lead().listingId() + " and seeker "
                + lead.lead().seekerId() + " was not stored: " + why;
    }

    private <T> void guarded(Handle handle, List<T> rows, LocalDate day, Tally tally, Function<T, String> id,
                             Function<List<T>, Integer> write) {
        guarded(handle, rows, day, tally, write, (row, e) -> tally.error(id.apply(row), day, Stores.rootMessage(e)));
    }

    /**
     * Runs one chunk under a savepoint; if the chunk fails, retries each element under its own savepoint so only
     * the failing ones are reported (or handed to {@code failed}, which may split them further) and the rest are
     * written.
     */
    private <T> void guarded(Handle handle, List<T> rows, LocalDate day, Tally tally, Function<List<T>, Integer> write,
                             BiConsumer<T, JdbiException> failed) {
        if (rows.isEmpty()) {
            return;
        }
        if (attempt(handle, () -> write.apply(rows), e -> log.warn(
                "A chunk of {} rows for {} failed ({}); retrying one by one", rows.size(), day, Stores.rootMessage(e)))) {
            tally.inserted += rows.size();
            return;
        }
        for (T row : rows) {
            JdbiException[] failure = new JdbiException[1];
            if (attempt(handle, () -> write.apply(List.of(row)), e -> failure[0] = e)) {
                tally.inserted++;
            } else {
                failed.accept(row, failure[0]);
            }
        }
    }

    /**
     * Runs {@code work} under a savepoint: true when it committed to the savepoint, false when the database refused
     * it (rolled back to the savepoint and told to {@code refused}). A lost connection is not a refusal: it ends the
     * run.
     */
    private static boolean attempt(Handle handle, Runnable work, Consumer<JdbiException> refused) {
        handle.savepoint(CHUNK_SAVEPOINT);
        try {
            work.run();
            handle.releaseSavepoint(CHUNK_SAVEPOINT);
            return true;
        } catch (JdbiException e) {
            if (Stores.isConnectionFailure(e)) {
                throw e;
            }
            handle.rollbackToSavepoint(CHUNK_SAVEPOINT);
            refused.accept(e);
            return false;
        }
    }

    /** Splits a run's time between reading Redis and writing PostgreSQL (confined to the run's thread). */
    private static final class Clock {
        final long started = System.nanoTime();
        long postgresNanos;

        void postgres(Runnable work) {
            long start = System.nanoTime();
            try {
                work.run();
            } finally {
                postgresNanos += System.nanoTime() - start;
            }
        }
    }

    /** Mutable per-table counts of one run (confined to the run's thread). */
    private static final class Tally {
        long inserted;
        final List<EntityError> errors = new ArrayList<>();

        void error(String id, LocalDate day, String reason) {
            log.warn("Could not aggregate {} on {}: {}", id, day, reason);
            errors.add(new EntityError(id, day, reason));
        }

        Mark mark() {
            return new Mark(inserted, errors.size());
        }

        /** Forgets what happened since {@code mark}: the day it covered was rolled back. */
        void reset(Mark mark) {
            inserted = mark.inserted();
            errors.subList(mark.errors(), errors.size()).clear();
        }

        record Mark(long inserted, int errors) {
        }
    }

}
