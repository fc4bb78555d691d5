package io.github.iskahomes.analytics.examples.bench;

import io.github.iskahomes.analytics.core.CalendarParts;
import io.github.iskahomes.analytics.core.DerivedMetrics;
import io.github.iskahomes.analytics.core.EntityKind;
import io.github.iskahomes.analytics.core.Metrics;
import io.github.iskahomes.analytics.redis.AnalyticsReader;
import io.github.iskahomes.analytics.redis.EntityDay;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The seed's write loop, for comparison: for every entity-day, one single-row
 * {@code INSERT … VALUES (…) ON CONFLICT … DO UPDATE SET col = EXCLUDED.col} executed and committed on its own
 * (autocommit), i.e. one round trip and one commit per row. Same columns and values as the Aggregator writes.
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
            case USER -> "user_id, user_type, date";
            case DEVELOPMENT -> "development_id, date";
        };
        List<String> columns = new ArrayList<>();
        columns.add(kind == EntityKind.USER ? "user_id" : kind.keyName() + "_id");
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
        return "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                + String.join(", ", java.util.Collections.nCopies(columns.size(), "?")) + ") ON CONFLICT (" + key
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
        st.setBigDecimal(i, DerivedMetrics.conversionRate(leads, views));
    }
}
