package io.github.iskahomes.analytics.jdbc;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import javax.sql.DataSource;

import io.github.iskahomes.analytics.core.AnalyticsException;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The analytics tables as versioned SQL resources ({@code V1__tables.sql}, …), applied on demand by
 * {@link #migrate(Jdbi)} into the connection's current schema ({@code search_path}).
 *
 * <p>Each applied version is recorded in {@code analytics_schema_version}. Migrations add (tables, columns,
 * indexes, views, functions) and never silently destroy data: a row a new key cannot hold is moved to a table of its
 * own ({@code V2} moves duplicate lister rows to {@code user_analytics_v1_duplicates}); {@code V3} creates the SQL
 * functions {@code analytics_rate} and {@code analytics_average}, the one definition of every derived metric, which
 * the library's statements call; {@code V4} indexes each day's rows that hold sales, which the sales refresh looks
 * up; {@code V5} makes the id columns compare bytes ({@code COLLATE "C"}), which their indexes need far less time
 * for than the database's locale. They are idempotent and run one at a time across instances (a transaction-scoped
 * advisory lock, safe behind a transaction pooler). A database whose schema is newer than this library is refused
 * with a clear error instead of being touched; {@link Aggregator#run()} refuses one that is older (not migrated since
 * the library was upgraded). Stateless and thread-safe.
 */
public final class Schema {
    private static final Logger log = LoggerFactory.getLogger(Schema.class);

    /** The migrations in order; a new migration is a new resource plus one entry here. */
    private static final List<String> MIGRATIONS = List.of("V1__tables.sql", "V2__one_lister_row_per_day.sql",
            "V3__metric_functions.sql", "V4__sales_row_indexes.sql", "V5__binary_id_collation.sql");

    /** The schema version this library writes and reads. */
    public static final int LATEST_VERSION = MIGRATIONS.size();

    private Schema() {
    }

    /**
     * Brings the schema to {@link #LATEST_VERSION}, applying each missing migration in its own transaction.
     *
     * @return the versions this call applied, empty when the schema was already current
     * @throws AnalyticsException if the database holds a newer schema than this library knows, or a migration fails
     * @throws io.github.iskahomes.analytics.core.StoreUnavailableException if PostgreSQL cannot be reached
     */
    public static List<Integer> migrate(Jdbi jdbi) {
        Objects.requireNonNull(jdbi, "jdbi");
        return migrate(jdbi, "PostgreSQL");
    }

    /** {@link #migrate(Jdbi)} over a data source (not closed: it stays the host's). */
    public static List<Integer> migrate(DataSource dataSource) {
        return migrate(Jdbi.create(dataSource), Stores.describe(dataSource));
    }

    /**
     * The version recorded in the current schema, 0 when no migration ever ran.
     *
     * @throws io.github.iskahomes.analytics.core.StoreUnavailableException if PostgreSQL cannot be reached
     */
    public static int currentVersion(Jdbi jdbi) {
        return Stores.call("PostgreSQL", "reading the analytics schema version", () -> jdbi.withHandle(Schema::version));
    }

    static List<Integer> migrate(Jdbi jdbi, String store) {
        return migrate(jdbi, store, LATEST_VERSION);
    }

    /** Applies the migrations up to {@code latest} only (tests of a migration start from the version before it). */
    static List<Integer> migrate(Jdbi jdbi, String store, int latest) {
        List<Integer> applied = new ArrayList<>();
        for (int version = 1; version <= latest; version++) {
            int target = version;
            boolean ran = Stores.call(store, "migrating the analytics schema to version " + version,
                    () -> jdbi.inTransaction(handle -> apply(handle, target)));
            if (ran) {
                applied.add(version);
            }
        }
        if (applied.isEmpty()) {
            // Also refuses a newer schema when there was nothing to apply.
            Stores.call(store, "checking the analytics schema version", () -> jdbi.inTransaction(handle -> {
                lock(handle);
                return version(handle);
            }));
        }
        return List.copyOf(applied);
    }

    private static boolean apply(Handle handle, int target) {
        lock(handle);
        int current = version(handle);
        if (current >= target) {
            return false;
        }
        String name = MIGRATIONS.get(target - 1);
        log.info("Applying analytics schema migration {}", name);
        handle.createScript(Sql.resource(name)).execute();
        handle.createUpdate("INSERT INTO analytics_schema_version (version, name) VALUES (:v, :n)")
                .bind("v", target).bind("n", name).execute();
        return true;
    }

    /** Serialises migrations of one schema across instances; released at commit, so pooler-safe. */
    private static void lock(Handle handle) {
        handle.createQuery("SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtext('io.github.iskahomes.analytics.schema'), "
                + "hashtext(current_schema()))) AS locked").mapTo(Integer.class).one();
        handle.execute("CREATE TABLE IF NOT EXISTS analytics_schema_version ("
                + "version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
        int version = version(handle);
        if (version > LATEST_VERSION) {
            throw new AnalyticsException("the analytics schema in " + currentSchema(handle) + " is at version "
                    + version + ", newer than the version " + LATEST_VERSION
                    + " this library knows; upgrade the library instead of migrating");
        }
    }

    /**
     * Refuses a schema older than this library's, whose statements need every migration (the functions of
     * {@code V3} among them), with the one thing to do.
     */
    static void requireCurrent(Handle handle) {
        int version = version(handle);
        if (version < LATEST_VERSION) {
            throw new AnalyticsException("the analytics schema in " + currentSchema(handle) + " is at version "
                    + version + ", older than the version " + LATEST_VERSION + " this library needs; run "
                    + "Schema.migrate before aggregating");
        }
    }

    private static String currentSchema(Handle handle) {
        return handle.createQuery("SELECT current_schema()").mapTo(String.class).one();
    }

    private static int version(Handle handle) {
        Boolean exists = handle.createQuery("SELECT to_regclass('analytics_schema_version') IS NOT NULL")
                .mapTo(Boolean.class).one();
        if (!exists) {
            return 0;
        }
        return handle.createQuery("SELECT COALESCE(max(version), 0) FROM analytics_schema_version")
                .mapTo(Integer.class).one();
    }
}
