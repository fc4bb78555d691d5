package io.github.iskahomes.analytics.examples.bench;

import io.github.iskahomes.analytics.core.EntityKind;
import io.github.iskahomes.analytics.core.internal.CalendarParts;
import io.github.iskahomes.analytics.redis.AnalyticsReader;
import io.github.iskahomes.analytics.redis.EntityDay;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * PostgreSQL's own COPY-merge ceiling for the Aggregator's rows: the day's entity rows are read from Redis and
 * encoded once, untimed, to a file of COPY chunks (the Aggregator's own encoder), then timed: per chunk, the stage
 * table, COPY of the pre-encoded bytes and the Aggregator's own merge (its plain insert for a table that holds no
 * row of the day yet, as the Aggregator does), all in one transaction. No Redis read and no
 * row building: what is left is what PostgreSQL itself costs for these rows.
 *
 * <p>Like the Aggregator, which empties the stage table in the day's savepoint (where {@code TRUNCATE} works in place),
 * the ceiling empties it outside any savepoint; what the Aggregator pays beyond this is its own: a savepoint per chunk,
 * the leads, the day's roll-ups and the reading.
 *
 * <p>The stage DDL, COPY statement, merge and encoder are the Aggregator's package-private ones, reached by
 * reflection (the benchmark runs on the class path) so the ceiling can never drift from what the Aggregator runs.
 */
final class CopyCeiling {
    record Timing(long rows, long nanos, AggregatorBenchmark.Cpu cpu) {
    }

    private CopyCeiling() {
    }

    static Timing run(DataSource target, AnalyticsReader reader, LocalDate day, int chunk,
                      java.util.function.Supplier<AggregatorBenchmark.Cpu> cpu, AggregatorBenchmark.Db db)
            throws Exception {
        Map<EntityKind, Object> upserts = new EnumMap<>(EntityKind.class);
        Class<?> type = Class.forName("io.github.iskahomes.analytics.jdbc.EntityUpsert");
        Constructor<?> create = type.getDeclaredConstructor(EntityKind.class);
        create.setAccessible(true);
        Method encode = accessible(type.getDeclaredMethod("encode", List.class));
        Method stage = accessible(type.getDeclaredMethod("stageSql"));
        Method copySql = accessible(type.getDeclaredMethod("copySql"));
        Method merge = accessible(type.getDeclaredMethod("mergeSql"));
        Method insert = accessible(type.getDeclaredMethod("insertSql"));
        Method dayIsNew = accessible(type.getDeclaredMethod("dayIsNew", Handle.class, LocalDate.class));
        for (EntityKind kind : EntityKind.values()) {
            upserts.put(kind, create.newInstance(kind));
        }
        Path file = Files.createTempFile("copy-ceiling", ".bin");
        try {
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
                for (EntityKind kind : EntityKind.values()) {
                    Object upsert = upserts.get(kind);
                    reader.forEachEntity(kind, day, chunk, (List<EntityDay> rows) -> {
                        try {
                            byte[] bytes = (byte[]) encode.invoke(upsert, rows);
                            out.writeInt(kind.ordinal());
                            out.writeInt(rows.size());
                            out.writeInt(bytes.length);
                            out.write(bytes);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        } catch (ReflectiveOperationException e) {
                            throw new IllegalStateException(e);
                        }
                    });
                }
            }
            CalendarParts parts = CalendarParts.of(day);
            // As before the Aggregator's own run: the checkpointer is not left flushing earlier runs while this is timed.
            AggregatorBenchmark.quiesce(db);
            Jdbi jdbi = Jdbi.create(target);
            return jdbi.inTransaction(handle -> {
                CopyManager copy = handle.getConnection().unwrap(PGConnection.class).getCopyAPI();
                // As the Aggregator: a table that holds no row of the day yet gets its rows inserted, not merged.
                Map<EntityKind, Boolean> fresh = new EnumMap<>(EntityKind.class);
                long rows = 0;
                AggregatorBenchmark.Cpu before = cpu.get();
                long start = System.nanoTime();
                try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
                    while (true) {
                        int kind;
                        try {
                            kind = in.readInt();
                        } catch (EOFException end) {
                            break;
                        }
                        EntityKind entityKind = EntityKind.values()[kind];
                        Object upsert = upserts.get(entityKind);
                        int count = in.readInt();
                        byte[] bytes = in.readNBytes(in.readInt());
                        handle.execute((String) stage.invoke(upsert));
                        if (!fresh.containsKey(entityKind)) {
                            fresh.put(entityKind, (Boolean) dayIsNew.invoke(upsert, handle, day));
                        }
                        copy.copyIn((String) copySql.invoke(upsert), new ByteArrayInputStream(bytes));
                        int merged = merge(handle, (String) (fresh.get(entityKind) ? insert : merge).invoke(upsert),
                                day, parts);
                        if (merged != count) {
                            throw new IllegalStateException("merged " + merged + " of a chunk of " + count + " rows");
                        }
                        rows += merged;
                    }
                }
                long nanos = System.nanoTime() - start;
                return new Timing(rows, nanos, cpu.get().minus(before));
            });
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static int merge(Handle handle, String sql, LocalDate day, CalendarParts parts) {
        return handle.createUpdate(sql).bind("date", day).bind("week", parts.week()).bind("month", parts.month())
                .bind("quarter", parts.quarter()).bind("year", parts.year()).execute();
    }

    private static Method accessible(Method method) {
        method.setAccessible(true);
        return method;
    }
}
