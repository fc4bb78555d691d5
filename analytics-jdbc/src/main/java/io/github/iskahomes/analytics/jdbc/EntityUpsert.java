package io.github.iskahomes.analytics.jdbc;

import io.github.iskahomes.analytics.core.EntityKind;
import io.github.iskahomes.analytics.core.internal.CalendarParts;
import io.github.iskahomes.analytics.core.internal.Metrics;
import io.github.iskahomes.analytics.redis.EntityDay;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.jdbi.v3.core.statement.Update;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * The batch upsert of one kind's day rows, by either of two paths sharing one merge statement: COPY of the chunk
 * into a temporary stage table plus one {@code INSERT … SELECT … ON CONFLICT DO UPDATE} from it ({@link #copy}, the
 * faster), or one statement with every column bound as one array and expanded by {@code unnest} ({@link #execute}),
 * whose parameter count is fixed whatever the chunk size. The column lists come from
 * {@link EntityKind#counters()} and {@link EntityKind#uniques()}: a new metric needs a migration, not code here.
 * The DO UPDATE list holds only what the aggregator owns (never the sales columns or running totals).
 */
final class EntityUpsert {
    private final EntityKind kind;
    private final String sql;
    private final List<String> metadata;
    /** The temporary table a chunk is copied into, its DDL (run per chunk, under the chunk's savepoint), its merge. */
    private final String stageSql;
    private final String copySql;
    private final String mergeSql;
    /** The same insert without ON CONFLICT, for a day the table holds no row of yet ({@link #dayIsNewSql}). */
    private final String insertSql;
    /** Whether the table holds no row of a day; null for a table without an index that leads with the date. */
    private final String dayIsNewSql;
    /** How many columns a stage row has. */
    private final int stageFields;

    EntityUpsert(EntityKind kind) {
        this.kind = kind;
        this.metadata = kind == EntityKind.USER ? List.of() : Tables.metadataColumns(kind);
        String stage = "analytics_stage_" + Tables.table(kind);
        List<String> columns = new ArrayList<>();
        List<String> aliases = new ArrayList<>();
        List<String> unnest = new ArrayList<>();
        for (String[] column : stageColumns()) {
            columns.add(column[0] + " " + column[1]);
            aliases.add(column[0]);
            unnest.add("CAST(:" + column[0] + " AS " + column[1] + "[])");
        }
        // ON COMMIT DROP: nothing outlives the run's one transaction, which keeps it safe behind a transaction
        // pooler. A chunk rolled back to its savepoint takes a table it created with it; IF NOT EXISTS recreates it.
        this.stageSql = "CREATE TEMPORARY TABLE IF NOT EXISTS " + stage + " (" + String.join(", ", columns)
                + ") ON COMMIT DROP;\nTRUNCATE " + stage;
        this.copySql = "COPY " + stage + " (" + String.join(", ", aliases) + ") FROM STDIN WITH (FORMAT binary)";
        this.sql = build("unnest(" + String.join(", ", unnest) + ") AS u(" + String.join(", ", aliases) + ")");
        this.mergeSql = build(stage + " AS u");
        this.insertSql = mergeSql.substring(0, mergeSql.lastIndexOf("\nON CONFLICT"));
        // Only where an index leads with the date, so the question costs one index probe whatever the table holds.
        this.dayIsNewSql = kind == EntityKind.DEVELOPMENT ? null
                : "SELECT NOT EXISTS (SELECT 1 FROM " + Tables.table(kind) + " WHERE date = :date)";
        this.stageFields = aliases.size();
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

    /** Upserts the rows in one {@code unnest} statement and returns how many were written. */
    int execute(Handle handle, LocalDate date, List<EntityDay> rows) {
        Update update = calendar(handle.createUpdate(sql), date);
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

    /**
     * Upserts the rows by COPY into the stage table and one merge from it, and returns how many were written. Faster
     * than {@link #execute} for a chunk (no array parameters to build and parse); a row PostgreSQL refuses fails
     * the whole COPY, so callers retry a failed chunk row by row through {@link #execute}, which names the culprit
     * as the unnest path always did.
     */
    int copy(Handle handle, CopyManager copy, LocalDate date, List<EntityDay> rows) {
        CopyBuffer encoded = encode(rows, new CopyBuffer());
        emptyStage(handle);
        return copyAndMerge(handle, copy, date, encoded, false);
    }

    /**
     * Whether the table holds no row of {@code date} yet, so that the day's first aggregation may insert its rows
     * without {@code ON CONFLICT} ({@link #copyAndMerge}'s {@code fresh}); false when the table cannot tell cheaply.
     */
    boolean dayIsNew(Handle handle, LocalDate date) {
        return dayIsNewSql != null && handle.createQuery(dayIsNewSql).bind("date", date).mapTo(Boolean.class).one();
    }

    /**
     * Creates the stage table if this transaction has none yet, and empties it. The Aggregator runs this outside the
     * chunk's savepoint, in the day's: PostgreSQL truncates a table in place (no new file, no catalog rows) only in
     * the subtransaction that created it or last gave it a new file, so a TRUNCATE inside each chunk's own savepoint
     * cost a new relation file and catalog updates per chunk (about 7 ms of 35 per chunk of 1,000 measured).
     */
    void emptyStage(Handle handle) {
        handle.execute(stageSql);
    }

    /**
     * COPY of encoded rows into the emptied stage table, then the merge; returns how many rows were written. With
     * {@code fresh} (the table held no row of the day when its first chunk began, {@link #dayIsNew}), a plain
     * {@code INSERT}: it stores exactly what the merge would (every column the merge's insert writes, the same
     * defaults for the rest), without its conflict check per row. A row that is there after all (an id that a
     * rehashing index set gave twice, a row another transaction wrote meanwhile) fails the chunk with a unique
     * violation, and the caller writes it again by the merge.
     */
    int copyAndMerge(Handle handle, CopyManager copy, LocalDate date, CopyBuffer encoded, boolean fresh) {
        try {
            CopyIn in = copy.copyIn(copySql);
            try {
                in.writeToCopy(encoded.bytes, 0, encoded.size);
                in.endCopy();
            } finally {
                if (in.isActive()) {
                    in.cancelCopy();
                }
            }
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException(e, null);
        }
        return calendar(handle.createUpdate(fresh ? insertSql : mergeSql), date).execute();
    }

    private static Update calendar(Update update, LocalDate date) {
        CalendarParts parts = CalendarParts.of(date);
        return update.bind("date", date).bind("week", parts.week()).bind("month", parts.month())
                .bind("quarter", parts.quarter()).bind("year", parts.year());
    }

    /**
     * The rows in COPY's binary format, columns in {@link #stageColumns()} order. Text that is not valid UTF-16
     * (an unpaired surrogate) is refused here rather than replaced by '?': the chunk then goes row by row through
     * the unnest path, exactly as before COPY.
     */
    byte[] encode(List<EntityDay> rows) {
        CopyBuffer out = encode(rows, new CopyBuffer());
        return Arrays.copyOf(out.bytes, out.size);
    }

    /**
     * The rows encoded into {@code out} (emptied first, and grown as needed), which is returned. A run reuses one
     * buffer for all its chunks: a chunk's buffer and the copy of it the encoder returned were the largest garbage of
     * the writing side (JFR allocation samples).
     */
    CopyBuffer encode(List<EntityDay> rows, CopyBuffer out) {
        // Straight to bytes: a StringBuilder, then a CharBuffer, a ByteBuffer and a copy of it made four copies of
        // each chunk, garbage the collector paid for beside PostgreSQL.
        out.start(rows.size() * sizeHint);
        for (EntityDay row : rows) {
            out.tuple(stageFields);
            out.text(row.entity().id());
            if (kind == EntityKind.USER) {
                out.text(row.metadata().get(Metrics.META_USER_TYPE).toLowerCase(java.util.Locale.ROOT));
            }
            for (String field : metadata) {
                out.text(row.metadata().get(field));
            }
            for (String counter : kind.counters()) {
                out.bigint(row.counter(counter));
            }
            for (String unique : kind.uniques()) {
                out.bigint(row.unique(unique));
                out.bytea(row.sketches().get(unique));
            }
        }
        out.finish();
        sizeHint = Math.max(64, out.size / Math.max(1, rows.size()) + 16);
        return out;
    }

    /** Bytes per row of the last chunk encoded: where the next chunk's buffer starts (a hint; races are harmless). */
    private volatile int sizeHint = 256;

    /**
     * A chunk in COPY's binary format (the header, per row a field count and per field its length and bytes: text as UTF-8,
     * bigint as 8 bytes, bytea as it is; the trailer): nothing for PostgreSQL to parse or unescape, and a sketch
     * takes its own size instead of twice it in hex. Text that is not valid UTF-16 (an unpaired surrogate) is refused
     * here rather than replaced by '?': the chunk then goes row by row through the unnest path, exactly as before
     * COPY.
     */
    static final class CopyBuffer {
        /** "PGCOPY\n\377\r\n\0", then flags and header extension length, both 0. */
        private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0,
            0, 0, 0, 0, 0, 0, 0, 0};
        private byte[] bytes = new byte[1024];
        private int size;

        /** Empties the buffer for a chunk of about {@code capacity} bytes and writes COPY's header. */
        void start(int capacity) {
            if (bytes.length < capacity) {
                bytes = new byte[capacity];
            }
            System.arraycopy(HEADER, 0, bytes, 0, HEADER.length);
            size = HEADER.length;
        }

        private void room(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }

        private void int16(int value) {
            bytes[size++] = (byte) (value >> 8);
            bytes[size++] = (byte) value;
        }

        private void int32(int at, int value) {
            bytes[at] = (byte) (value >> 24);
            bytes[at + 1] = (byte) (value >> 16);
            bytes[at + 2] = (byte) (value >> 8);
            bytes[at + 3] = (byte) value;
        }

        void tuple(int fields) {
            room(2);
            int16(fields);
        }

        private void nullValue() {
            room(4);
            int32(size, -1);
            size += 4;
        }

        void bigint(long value) {
            room(12);
            int32(size, 8);
            size += 4;
            for (int shift = 56; shift >= 0; shift -= 8) {
                bytes[size++] = (byte) (value >> shift);
            }
        }

        void bytea(byte[] value) {
            if (value == null) {
                nullValue();
                return;
            }
            room(4 + value.length);
            int32(size, value.length);
            size += 4;
            System.arraycopy(value, 0, bytes, size, value.length);
            size += value.length;
        }

        /** Text as UTF-8, its length in front. */
        void text(String value) {
            if (value == null) {
                nullValue();
                return;
            }
            // Every char takes at most 3 bytes (a surrogate pair 4 for its 2 chars).
            room(4 + value.length() * 3);
            int lengthAt = size;
            size += 4;
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c < 0x80) {
                    bytes[size++] = (byte) c;
                } else if (c < 0x800) {
                    bytes[size++] = (byte) (0xC0 | (c >> 6));
                    bytes[size++] = (byte) (0x80 | (c & 0x3F));
                } else if (Character.isSurrogate(c)) {
                    if (!Character.isHighSurrogate(c) || i + 1 == value.length()
                            || !Character.isLowSurrogate(value.charAt(i + 1))) {
                        throw new UnableToExecuteStatementException("a row holds text that is not valid UTF-16 (an"
                                + " unpaired surrogate)", null);
                    }
                    int code = Character.toCodePoint(c, value.charAt(++i));
                    bytes[size++] = (byte) (0xF0 | (code >> 18));
                    bytes[size++] = (byte) (0x80 | ((code >> 12) & 0x3F));
                    bytes[size++] = (byte) (0x80 | ((code >> 6) & 0x3F));
                    bytes[size++] = (byte) (0x80 | (code & 0x3F));
                } else {
                    bytes[size++] = (byte) (0xE0 | (c >> 12));
                    bytes[size++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                    bytes[size++] = (byte) (0x80 | (c & 0x3F));
                }
            }
            int32(lengthAt, size - lengthAt - 4);
        }

        /** The trailer (a field count of -1). */
        void finish() {
            room(2);
            int16(-1);
        }
    }

    private static <T> List<T> column(List<EntityDay> rows, java.util.function.Function<EntityDay, T> value) {
        List<T> column = new ArrayList<>(rows.size());
        for (EntityDay row : rows) {
            column.add(value.apply(row));
        }
        return column;
    }

    /**
     * The columns of a chunk, in order, as (alias, SQL type): the unnest aliases of {@link #sql()} and the columns
     * of the stage table COPY fills, so both paths share one merge.
     */
    private List<String[]> stageColumns() {
        List<String[]> columns = new ArrayList<>();
        columns.add(new String[] {"id", "text"});
        if (kind == EntityKind.USER) {
            columns.add(new String[] {"user_type", "text"});
        }
        for (int i = 0; i < metadata.size(); i++) {
            columns.add(new String[] {"m" + i, "text"});
        }
        for (int i = 0; i < kind.counters().size(); i++) {
            columns.add(new String[] {"c" + i, "bigint"});
        }
        for (int i = 0; i < kind.uniques().size(); i++) {
            columns.add(new String[] {"u" + i, "bigint"});
            columns.add(new String[] {"h" + i, "bytea"});
        }
        return columns;
    }

    /** The upsert of the rows {@code source} (a FROM item aliased {@code u}, columns as in stageColumns()) holds. */
    private String build(String source) {
        String table = Tables.table(kind);
        List<String> insert = new ArrayList<>();
        List<String> select = new ArrayList<>();
        List<String> set = new ArrayList<>();

        insert.add(Tables.idColumn(kind));
        select.add("u.id");
        if (kind == EntityKind.USER) {
            insert.add("user_type");
            select.add("u.user_type");
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
            // Metadata Redis no longer has (or never had) for this day keeps what an earlier run stored.
            set.add(column + " = COALESCE(EXCLUDED." + column + ", t." + column + ")");
        }
        List<String> counters = kind.counters();
        for (int i = 0; i < counters.size(); i++) {
            insert.add(counters.get(i));
            select.add("u.c" + i);
            set.add(counters.get(i) + " = EXCLUDED." + counters.get(i));
        }
        List<String> uniques = kind.uniques();
        for (int i = 0; i < uniques.size(); i++) {
            String unique = uniques.get(i);
            String sketch = Tables.sketchColumn(unique);
            insert.add(unique);
            select.add("u.u" + i);
            set.add(unique + " = EXCLUDED." + unique);
            insert.add(sketch);
            select.add("u.h" + i);
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
                + String.join(", ", select) + "\nFROM " + source + "\nON CONFLICT (" + Tables.conflictKey(kind) + ") DO UPDATE SET "
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

    String mergeSql() {
        return mergeSql;
    }

    String insertSql() {
        return insertSql;
    }

    String stageSql() {
        return stageSql;
    }

    String copySql() {
        return copySql;
    }

}
