package io.github.iskahomes.analytics.examples.bench;

import io.github.iskahomes.analytics.core.EntityKind;
import io.github.iskahomes.analytics.core.EntityRef;
import io.github.iskahomes.analytics.core.internal.CalendarParts;
import io.github.iskahomes.analytics.core.internal.Metrics;
import io.github.iskahomes.analytics.redis.AnalyticsReader;
import io.github.iskahomes.analytics.redis.EntityDay;
import io.github.iskahomes.analytics.redis.IngestorConfig;
import io.github.iskahomes.analytics.redis.internal.RedisForms;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ValueScanCursor;
import io.lettuce.core.api.sync.RedisCommands;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Row-at-a-time baselines, for comparison. Both write every entity-day with one single-row
 * {@code INSERT … VALUES (…) ON CONFLICT … DO UPDATE SET col = EXCLUDED.col} executed and committed on its own
 * (autocommit), i.e. one round trip and one commit per row, with the same columns and values as the Aggregator.
 * <ul>
 *   <li>{@link #run}: reads Redis through our pipelined {@link AnalyticsReader} (only the write side is naive);</li>
 *   <li>{@link #runSeedLoop}: the seed's whole loop (design Phase 3): per entity, one awaited Redis command per
 *   value: a {@code GET} per counter, a {@code PFCOUNT} per unique, an {@code HGETALL} for the metadata, through
 *   Lettuce's synchronous API, then the single-row upsert.</li>
 * </ul>
 */
final class AggregatorBaseline {
    private AggregatorBaseline() {
    }

    /** Rows written, and the time spent in the upserts alone. */
    record Timing(long rows, long writeNanos) {
    }

    static Timing run(DataSource dataSource, AnalyticsReader reader, LocalDate day, int chunk) throws SQLException {
        long[] rows = {0, 0};
        CalendarParts parts = CalendarParts.of(day);
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            for (EntityKind kind : EntityKind.values()) {
                try (PreparedStatement upsert = connection.prepareStatement(sql(kind))) {
                    reader.forEachEntity(kind, day, chunk, entities -> {
                        for (EntityDay entity : entities) {
                            try {
                                long start = System.nanoTime();
                                bind(upsert, kind, entity, parts);
                                upsert.executeUpdate();
                                rows[1] += System.nanoTime() - start;
                                rows[0]++;
                            } catch (SQLException e) {
                                throw new IllegalStateException(e);
                            }
                        }
                    });
                }
            }
        }
        return new Timing(rows[0], rows[1]);
    }

    /**
     * The seed's loop over at most {@code limit} entity-days (kinds in catalogue order). Ids come from the day's
     * index sets (the seed used {@code KEYS}, which is spared here: enumerating ids is not what is measured). The
     * seed kept no sketches, so the {@code *_hll} columns are written as {@code NULL}: a smaller row than the
     * Aggregator's, which favours this baseline.
     *
     * <p>Keys are built exactly as analytics-redis's package-private {@code Keys} builds them:
     * {@code <prefix><kind>:{<id>}:day:<YYYYMMDD>} for the counters hash (a field per counter),
     * {@code <prefix><kind>:{<id>}:day:<YYYYMMDD>:<metric>} for the other entity values and
     * {@code <prefix>index:<kind>:{<YYYYMMDD>:<nn>}} for the index shards. Keep the two in step.
     */
    static Timing runSeedLoop(DataSource dataSource, RedisCommands<String, String> redis, IngestorConfig config,
                              LocalDate day, long limit) throws SQLException {
        long rows = 0;
        long writeNanos = 0;
        String dayKey = day.format(DateTimeFormatter.BASIC_ISO_DATE);
        CalendarParts parts = CalendarParts.of(day);
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            for (EntityKind kind : EntityKind.values()) {
                try (PreparedStatement upsert = connection.prepareStatement(sql(kind))) {
                    for (int shard = 0; shard < config.indexShards() && rows < limit; shard++) {
                        String index = config.keyPrefix() + "index:" + RedisForms.keyName(kind) + ":{" + dayKey + ':'
                                + (shard < 10 ? "0" + shard : Integer.toString(shard)) + '}';
                        ScanCursor cursor = ScanCursor.INITIAL;
                        do {
                            ValueScanCursor<String> page = redis.sscan(index, cursor, ScanArgs.Builder.limit(1000));
                            for (String id : page.getValues()) {
                                if (rows >= limit) {
                                    break;
                                }
                                EntityDay entity = readAwaited(redis, config.keyPrefix(), kind, id, day, dayKey);
                                long start = System.nanoTime();
                                bind(upsert, kind, entity, parts);
                                upsert.executeUpdate();
                                writeNanos += System.nanoTime() - start;
                                rows++;
                            }
                            cursor = page;
                        } while (!cursor.isFinished() && rows < limit);
                    }
                }
            }
        }
        return new Timing(rows, writeNanos);
    }

    /** One entity-day read as the seed does: one awaited command per value (an HGET per counter of the hash). */
    private static EntityDay readAwaited(RedisCommands<String, String> redis, String prefix, EntityKind kind,
                                         String id, LocalDate day, String dayKey) {
        String base = prefix + RedisForms.keyName(kind) + ":{" + id + "}:day:" + dayKey + ':';
        String countersHash = base.substring(0, base.length() - 1);
        Map<String, Long> counters = new LinkedHashMap<>();
        for (String counter : kind.counters()) {
            String value = redis.hget(countersHash, counter);
            counters.put(counter, value == null ? 0L : Long.parseLong(value));
        }
        Map<String, Long> uniques = new LinkedHashMap<>();
        for (String unique : kind.uniques()) {
            uniques.put(unique, redis.pfcount(base + unique));
        }
        // The metadata are fields of the counters hash too (key model v2), one HGET each.
        Map<String, String> metadata = new LinkedHashMap<>();
        for (String field : metadata(kind)) {
            String value = redis.hget(countersHash, field);
            if (value != null) {
                metadata.put(field, value);
            }
        }
        return new EntityDay(new EntityRef(kind, id), day, counters, uniques, Map.of(), metadata);
    }

    private static List<String> metadata(EntityKind kind) {
        return switch (kind) {
            case LISTING -> List.of(Metrics.META_LISTER_ID, Metrics.META_LISTER_TYPE, Metrics.META_DEVELOPMENT_ID);
            case USER -> List.of(Metrics.META_USER_TYPE);
            case DEVELOPMENT -> List.of(Metrics.META_DEVELOPER_ID);
        };
    }

    private static String sql(EntityKind kind) {
        String table = switch (kind) {
            case LISTING -> "listing_analytics";
            case USER -> "user_analytics";
            case DEVELOPMENT -> "development_analytics";
        };
        String key = switch (kind) {
            case LISTING -> "listing_id, date";
            case USER -> "user_id, date";
            case DEVELOPMENT -> "development_id, date";
        };
        List<String> columns = new ArrayList<>();
        columns.add(kind == EntityKind.USER ? "user_id" : RedisForms.keyName(kind) + "_id");
        columns.addAll(List.of("date", "week", "month", "quarter", "year"));
        columns.addAll(metadata(kind));
        columns.addAll(kind.counters());
        for (String unique : kind.uniques()) {
            columns.add(unique);
            columns.add(unique + "_hll");
        }
        columns.add("conversion_rate");
        List<String> set = new ArrayList<>();
        for (String column : columns.subList(kind == EntityKind.USER ? 6 : 1, columns.size())) {
            if (!key.contains(column)) {
                set.add(column + " = EXCLUDED." + column);
            }
        }
        // conversion_rate is the schema's analytics_rate of the bound leads and views, as in the Aggregator.
        List<String> values = new ArrayList<>(java.util.Collections.nCopies(columns.size() - 1, "?"));
        values.add("analytics_rate(?, ?)");
        return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                + String.join(", ", values) + ") ON CONFLICT (" + key
                + ") DO UPDATE SET " + String.join(", ", set) + ", updated_at = now()";
    }

    private static void bind(PreparedStatement st, EntityKind kind, EntityDay entity, CalendarParts parts)
            throws SQLException {
        int i = 1;
        st.setString(i++, entity.entity().id());
        st.setObject(i++, parts.date());
        st.setString(i++, parts.week());
        st.setString(i++, parts.month());
        st.setString(i++, parts.quarter());
        st.setInt(i++, parts.year());
        for (String field : metadata(kind)) {
            st.setString(i++, entity.metadata().get(field));
        }
        for (String counter : kind.counters()) {
            st.setLong(i++, entity.counter(counter));
        }
        for (String unique : kind.uniques()) {
            st.setLong(i++, entity.unique(unique));
            st.setBytes(i++, entity.sketches().get(unique));
        }
        long leads = entity.counter(kind == EntityKind.USER ? Metrics.TOTAL_LISTING_LEADS : Metrics.TOTAL_LEADS);
        long views = entity.counter(kind == EntityKind.USER ? Metrics.TOTAL_LISTING_VIEWS : Metrics.TOTAL_VIEWS);
        st.setLong(i++, leads);
        st.setLong(i, views);
    }
}
