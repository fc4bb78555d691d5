package io.github.iskahomes.analytics.jdbc;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;

import javax.sql.DataSource;

import io.github.iskahomes.analytics.core.EntityKind;
import io.github.iskahomes.analytics.jdbc.AggregationResult.EntityError;
import io.github.iskahomes.analytics.jdbc.AggregationResult.Processed;
import io.github.iskahomes.analytics.redis.AnalyticsReader;
import io.github.iskahomes.analytics.redis.EntityDay;
import io.github.iskahomes.analytics.redis.LeadState;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.postgres.PostgresPlugin;
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
 *   <li>One run at a time per database schema: the whole run is one transaction that first takes
 *       {@code pg_try_advisory_xact_lock}. A transaction-scoped lock is released by COMMIT/ROLLBACK on the very
 *       connection that did the work, so it is safe behind a transaction pooler (PgBouncer) where session locks
 *       leak; a concurrent caller gets {@link AggregationResult#LOCK_HELD} at once. The price of one transaction is
 *       that readers see a run's rows only when it commits, which dashboards of daily rollups do not mind.</li>
 *   <li>Memory stays flat: entities stream from Redis in chunks of {@link AggregatorConfig#chunkSize()} and each
 *       chunk is one {@code unnest} upsert (no row-at-a-time round trips). While a chunk is written, the next one
 *       is read from Redis by a helper thread that lives only as long as that read (at most three chunks in
 *       memory).</li>
 *   <li>A failing entity is reported in the result's {@code errors} (id and reason) and the rest commit: each
 *       chunk runs under a savepoint, and a failed chunk is retried entity by entity to single out the culprit.</li>
 *   <li>Leads: actions are appended, never replaced; {@code status} and {@code notes} are never written.</li>
 * </ul>
 *
 * <p>Thread-safe (runs from several threads or instances serialise on the lock). Does not own the Jdbi, data source
 * or reader it is given.
 *
 * @see Schema#migrate(Jdbi) which must have run first
 */
public final class Aggregator {
    private static final Logger log = LoggerFactory.getLogger(Aggregator.class);
    private static final Map<EntityKind, String> TABLE_NAMES = Map.of(
            EntityKind.LISTING, "listings", EntityKind.USER, "users", EntityKind.DEVELOPMENT, "developments");

    private final Jdbi jdbi;
    private final AnalyticsReader reader;
    private final AggregatorConfig config;
    private final String store;
    private final Map<EntityKind, EntityUpsert> upserts = new EnumMap<>(EntityKind.class);

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
     */
    public AggregationResult run() {
        return run(reader.retainedDays());
    }

    /** Aggregates the given days. See {@link #run()}. */
    public AggregationResult run(LocalDate... days) {
        return run(Arrays.asList(days));
    }

    /** Aggregates the given days (duplicates ignored, oldest first). See {@link #run()}. */
    public AggregationResult run(Collection<LocalDate> days) {
        TreeSet<LocalDate> ordered = new TreeSet<>(days);
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
        Map<String, Tally> tallies = new LinkedHashMap<>();
        for (String table : List.of("listings", "users", "developments", "leads")) {
            tallies.put(table, new Tally());
        }
        List<LocalDate> finalised = new ArrayList<>();
        List<LocalDate> skipped = new ArrayList<>();
        Clock clock = new Clock();
        for (LocalDate day : days) {
            if (!reader.hasData(day)) {
                log.info("Skipping {}: Redis holds no data for it (expired or never ingested)", day);
                skipped.add(day);
                continue;
            }
            long started = System.nanoTime();
            Map<String, Long> before = new LinkedHashMap<>();
            tallies.forEach((table, tally) -> before.put(table, tally.inserted));
            for (EntityKind kind : EntityKind.values()) {
                EntityUpsert upsert = upserts.get(kind);
                Tally tally = tallies.get(TABLE_NAMES.get(kind));
                ReadAhead.run("entities of " + day, sink -> reader.forEachEntity(kind, day, config.chunkSize(), sink),
                        (List<EntityDay> chunk) -> clock.postgres(() -> entities(handle, upsert, day, chunk, tally)));
            }
            Tally leads = tallies.get("leads");
            ReadAhead.run("leads of " + day, sink -> reader.forEachLead(day, config.chunkSize(), sink),
                    (List<LeadState> chunk) -> clock.postgres(() -> leads(handle, day, chunk, leads)));
            clock.postgres(() -> {
                handle.createUpdate(Sql.resource("user_total_listings.sql")).bind("date", day).execute();
                handle.createUpdate(Sql.resource("user_active_listings.sql")).bind("date", day).execute();
                SalesRollup.refresh(handle, day);
            });
            handle.createUpdate("""
                            INSERT INTO aggregated_days (date, listings, users, developments, leads)
                            VALUES (:date, :listings, :users, :developments, :leads)
                            ON CONFLICT (date) DO UPDATE SET listings = EXCLUDED.listings, users = EXCLUDED.users,
                                developments = EXCLUDED.developments, leads = EXCLUDED.leads, finalised_at = now()""")
                    .bind("date", day)
                    .bind("listings", tallies.get("listings").inserted - before.get("listings"))
                    .bind("users", tallies.get("users").inserted - before.get("users"))
                    .bind("developments", tallies.get("developments").inserted - before.get("developments"))
                    .bind("leads", leads.inserted - before.get("leads"))
                    .execute();
            finalised.add(day);
            log.info("Aggregated {} in {} ms", day, (System.nanoTime() - started) / 1_000_000);
        }
        Map<String, Processed> processed = new LinkedHashMap<>();
        tallies.forEach((table, tally) -> processed.put(table, new Processed(tally.inserted, tally.errors)));
        long total = System.nanoTime() - clock.started;
        return new AggregationResult(null, finalised, skipped, processed, new AggregationResult.Timings(
                Duration.ofNanos(total - clock.postgresNanos), Duration.ofNanos(clock.postgresNanos)));
    }

    private void entities(Handle handle, EntityUpsert upsert, LocalDate day, List<EntityDay> chunk, Tally tally) {
        List<EntityDay> good = new ArrayList<>(chunk.size());
        for (EntityDay entity : chunk) {
            String problem = upsert.problem(entity);
            if (problem == null) {
                good.add(entity);
            } else {
                tally.error(entity.entity().id(), day, problem);
            }
        }
        guarded(handle, good, day, tally, e -> e.entity().id(), rows -> upsert.execute(handle, day, rows));
    }

    private void leads(Handle handle, LocalDate day, List<LeadState> chunk, Tally tally) {
        guarded(handle, chunk, day, tally, l -> l.lead().indexMember(), rows -> LeadUpsert.execute(handle, day, rows));
    }

    /**
     * Runs one chunk under a savepoint; if the chunk fails, retries each element under its own savepoint so only
     * the failing ones are reported and the rest are written.
     */
    private <T> void guarded(Handle handle, List<T> rows, LocalDate day, Tally tally, Function<T, String> id,
                             Function<List<T>, Integer> write) {
        if (rows.isEmpty()) {
            return;
        }
        String savepoint = "chunk";
        handle.savepoint(savepoint);
        try {
            write.apply(rows);
            handle.releaseSavepoint(savepoint);
            tally.inserted += rows.size();
            return;
        } catch (JdbiException e) {
            if (Stores.isConnectionFailure(e)) {
                throw e;
            }
            handle.rollbackToSavepoint(savepoint);
            log.warn("A chunk of {} rows for {} failed ({}); retrying one by one", rows.size(), day,
                    Stores.rootMessage(e));
        }
        for (T row : rows) {
            handle.savepoint(savepoint);
            try {
                write.apply(List.of(row));
                handle.releaseSavepoint(savepoint);
                tally.inserted++;
            } catch (JdbiException e) {
                if (Stores.isConnectionFailure(e)) {
                    throw e;
                }
                handle.rollbackToSavepoint(savepoint);
                tally.error(id.apply(row), day, Stores.rootMessage(e));
            }
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
    }

}
