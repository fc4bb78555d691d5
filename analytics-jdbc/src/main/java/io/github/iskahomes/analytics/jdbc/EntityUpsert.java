package io.github.iskahomes.analytics.jdbc;

import io.github.iskahomes.analytics.core.EntityKind;
import io.github.iskahomes.analytics.core.internal.CalendarParts;
import io.github.iskahomes.analytics.core.internal.Metrics;
import io.github.iskahomes.analytics.redis.EntityDay;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Update;

/**
 * The batch upsert of one kind's day rows: one statement per chunk, every column bound as one array and expanded
 * by {@code unnest}, so the parameter count is fixed whatever the chunk size. The column lists come from
 * {@link EntityKind#counters()} and {@link EntityKind#uniques()}: a new metric needs a migration, not code here.
 * The DO UPDATE list holds only what the aggregator owns (never the sales columns or running totals).
 */
final class EntityUpsert {
    private final EntityKind kind;
    private final String sql;
    private final List<String> metadata;

    EntityUpsert(EntityKind kind) {
        this.kind = kind;
        this.metadata = kind == EntityKind.USER ? List.of() : Tables.metadataColumns(kind);
        this.sql = build();
    }

    EntityKind kind() {
        return kind;
    }

    /** Why this entity-day cannot be a row, or null when it can. */
    String problem(EntityDay day) {
        if (kind == EntityKind.USER) {
            String type = day.metadata().get(Metrics.META_USER_TYPE);
            if (type == null) {
                return "user " + day.entity().id() + " has no user_type on " + day.day();
            }
            if (io.github.iskahomes.analytics.core.ListerType.fromWireName(type).isEmpty()) {
                return "user " + day.entity().id() + " has user_type \"" + type + "\" on " + day.day()
                        + ", not one of " + io.github.iskahomes.analytics.core.ListerType.NAMES;
            }
        }
        return null;
    }

    /** Upserts the rows and returns how many were written. */
    int execute(Handle handle, LocalDate date, List<EntityDay> rows) {
        CalendarParts parts = CalendarParts.of(date);
        Update update = handle.createUpdate(sql)
                .bind("date", date).bind("week", parts.week()).bind("month", parts.month())
                .bind("quarter", parts.quarter()).bind("year", parts.year());
        List<String> ids = new ArrayList<>(rows.size());
        for (EntityDay row : rows) {
            ids.add(row.entity().id());
        }
        update.bind("id", Sql.array("text", ids));
        if (kind == EntityKind.USER) {
            update.bind("user_type", Sql.array("text", column(rows, r -> r.metadata().get(Metrics.META_USER_TYPE)
                    .toLowerCase(java.util.Locale.ROOT))));
        }
        for (int i = 0; i < metadata.size(); i++) {
            String field = metadata.get(i);
            update.bind("m" + i, Sql.array("text", column(rows, r -> r.metadata().get(field))));
        }
        List<String> counters = kind.counters();
        for (int i = 0; i < counters.size(); i++) {
            String counter = counters.get(i);
            update.bind("c" + i, Sql.array("bigint", column(rows, r -> r.counter(counter))));
        }
        List<String> uniques = kind.uniques();
        for (int i = 0; i < uniques.size(); i++) {
            String unique = uniques.get(i);
            update.bind("u" + i, Sql.array("bigint", column(rows, r -> r.unique(unique))));
            update.bind("h" + i, Sql.array("bytea", column(rows, r -> r.sketches().get(unique))));
        }
        return update.execute();
    }

    private static <T> List<T> column(List<EntityDay> rows, java.util.function.Function<EntityDay, T> value) {
        List<T> column = new ArrayList<>(rows.size());
        for (EntityDay row : rows) {
            column.add(value.apply(row));
        }
        return column;
    }

    private String build() {
        String table = Tables.table(kind);
        List<String> insert = new ArrayList<>();
        List<String> select = new ArrayList<>();
        List<String> unnest = new ArrayList<>();
        List<String> alias = new ArrayList<>();
        List<String> set = new ArrayList<>();

        insert.add(Tables.idColumn(kind));
        select.add("u.id");
        unnest.add("CAST(:id AS text[])");
        alias.add("id");
        if (kind == EntityKind.USER) {
            insert.add("user_type");
            select.add("u.user_type");
            unnest.add("CAST(:user_type AS text[])");
            alias.add("user_type");
            // One row per lister and day (the key has no type): it carries the day's latest type, as Redis does.
            set.add("user_type = EXCLUDED.user_type");
        }
        for (String calendar : List.of("date", "week", "month", "quarter", "year")) {
            insert.add(calendar);
            select.add(":" + calendar);
        }
        for (int i = 0; i < metadata.size(); i++) {
            String column = metadata.get(i);
            insert.add(column);
            select.add("u.m" + i);
            unnest.add("CAST(:m" + i + " AS text[])");
            alias.add("m" + i);
            // Metadata Redis no longer has (or never had) for this day keeps what an earlier run stored.
            set.add(column + " = COALESCE(EXCLUDED." + column + ", t." + column + ")");
        }
        List<String> counters = kind.counters();
        for (int i = 0; i < counters.size(); i++) {
            insert.add(counters.get(i));
            select.add("u.c" + i);
            unnest.add("CAST(:c" + i + " AS bigint[])");
            alias.add("c" + i);
            set.add(counters.get(i) + " = EXCLUDED." + counters.get(i));
        }
        List<String> uniques = kind.uniques();
        for (int i = 0; i < uniques.size(); i++) {
            String unique = uniques.get(i);
            String sketch = Tables.sketchColumn(unique);
            insert.add(unique);
            select.add("u.u" + i);
            unnest.add("CAST(:u" + i + " AS bigint[])");
            alias.add("u" + i);
            set.add(unique + " = EXCLUDED." + unique);
            insert.add(sketch);
            select.add("u.h" + i);
            unnest.add("CAST(:h" + i + " AS bytea[])");
            alias.add("h" + i);
            set.add(sketch + " = COALESCE(EXCLUDED." + sketch + ", t." + sketch + ")");
        }
        // Rates come from the schema's analytics_rate (V3), their one definition, over the counters just bound.
        String[] conversion = Tables.conversion(kind);
        insert.add("conversion_rate");
        select.add(rate(conversion[0], conversion[1]));
        set.add("conversion_rate = EXCLUDED.conversion_rate");
        if (kind == EntityKind.DEVELOPMENT) {
            insert.add("engagement_rate");
            select.add(rate(Metrics.TOTAL_INTERACTIONS, Metrics.TOTAL_VIEWS));
            set.add("engagement_rate = EXCLUDED.engagement_rate");
        }
        String leads = Tables.leadsForSales(kind);
        set.add("lead_to_sale_rate = analytics_rate(t.total_sales, EXCLUDED." + leads + ")");
        set.add("updated_at = now()");
        return "INSERT INTO " + table + " AS t (" + String.join(", ", insert) + ")\nSELECT "
                + String.join(", ", select) + "\nFROM unnest(" + String.join(", ", unnest) + ") AS u("
                + String.join(", ", alias) + ")\nON CONFLICT (" + Tables.conflictKey(kind) + ") DO UPDATE SET "
                + String.join(", ", set);
    }

    /** {@code analytics_rate} of two counters, named by the unnest aliases of their bound arrays. */
    private String rate(String numerator, String denominator) {
        return "analytics_rate(" + counterAlias(numerator) + ", " + counterAlias(denominator) + ")";
    }

    private String counterAlias(String counter) {
        int index = kind.counters().indexOf(counter);
        if (index < 0) {
            throw new IllegalStateException(counter + " is not a counter of " + kind);
        }
        return "u.c" + index;
    }

    String sql() {
        return sql;
    }

}
