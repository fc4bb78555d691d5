package io.github.iskahomes.analytics.jdbc;

import io.github.iskahomes.analytics.core.EntityKind;
import io.github.iskahomes.analytics.core.internal.DerivedMetrics;
import io.github.iskahomes.analytics.core.internal.Metrics;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;

/**
 * Read side for dashboards: a listing's, a lister's or a development's totals over a date range grouped by day,
 * week, month, quarter or year, and top-N listings over a range.
 *
 * <p>Counters are summed in SQL; unique counts are unions of the per-day HyperLogLog sketches the aggregator keeps in
 * PostgreSQL, counted by {@link SketchUnion} (Redis), so a month's unique viewers is a true union even after Redis
 * forgot the days; rates and averages are recomputed from summed numerators and denominators.
 *
 * <p>Thread-safe. The {@link Jdbi} or {@link DataSource} is the host's and is never closed here. Methods throw
 * {@link io.github.iskahomes.analytics.core.StoreUnavailableException} when PostgreSQL cannot be reached.
 */
public final class AnalyticsQueries {
    private final Jdbi jdbi;
    private final SketchUnion union;
    private final String store;

    private AnalyticsQueries(Jdbi jdbi, SketchUnion union, String store) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
        this.union = Objects.requireNonNull(union, "union");
        this.store = store;
    }

    /** Queries over the host's Jdbi; {@code union} counts sketch unions, usually {@code reader::unionCount}. */
    public static AnalyticsQueries create(Jdbi jdbi, SketchUnion union) {
        return new AnalyticsQueries(jdbi, union, "PostgreSQL");
    }

    /** Queries over the host's data source. */
    public static AnalyticsQueries create(DataSource dataSource, SketchUnion union) {
        return new AnalyticsQueries(Jdbi.create(dataSource).installPlugin(new PostgresPlugin()), union,
                Stores.describe(dataSource));
    }

    /** A listing's totals per period over {@code from}–{@code to} (both inclusive), oldest period first. */
    public List<PeriodTotals> listing(String listingId, LocalDate from, LocalDate to, Grain grain) {
        return series(EntityKind.LISTING, listingId, from, to, grain);
    }

    /**
     * A lister's ({@code user_analytics}) totals per period, oldest period first. A lister has one row per day
     * whatever types its events named, so the sums count each event once.
     */
    public List<PeriodTotals> lister(String userId, LocalDate from, LocalDate to, Grain grain) {
        return series(EntityKind.USER, userId, from, to, grain);
    }

    /** A development's totals per period, oldest period first. */
    public List<PeriodTotals> development(String developmentId, LocalDate from, LocalDate to, Grain grain) {
        return series(EntityKind.DEVELOPMENT, developmentId, from, to, grain);
    }

    /**
     * The top {@code limit} listings over {@code from}–{@code to} by views, leads or conversion; ties are broken by
     * the other counter, then by listing id.
     */
    public List<ListingRank> topListings(LocalDate from, LocalDate to, Ranking by, int limit) {
        checkRange(from, to);
        Objects.requireNonNull(by, "by");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        String sql = Sql.resource("top_listings.sql").replace("/*ORDER*/", by.order())
                .replace("/*HAVING*/", by == Ranking.CONVERSION ? "HAVING sum(total_views) > 0" : "");
        return Stores.call(store, "ranking listings", () -> jdbi.withHandle(h -> h.createQuery(sql)
                .bind("from", from).bind("to", to).bind("limit", limit)
                .map((rs, ctx) -> {
                    long views = rs.getLong("total_views");
                    long leads = rs.getLong("total_leads");
                    List<byte[]> sketches = sketches(rs.getArray("unique_views_hll"));
                    long unique = sketches.size() <= 1 ? rs.getLong("unique_views") : union.unionCount(sketches);
                    return new ListingRank(rs.getString("listing_id"), views, unique, leads,
                            DerivedMetrics.conversionRate(leads, views));
                }).list()));
    }

    private List<PeriodTotals> series(EntityKind kind, String id, LocalDate from, LocalDate to, Grain grain) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(grain, "grain");
        checkRange(from, to);
        String valueColumn = Tables.salesValueColumn(kind);
        StringBuilder sql = new StringBuilder("SELECT ").append(grain.column())
                .append(" AS period, min(date) AS first_day, max(date) AS last_day");
        for (String counter : kind.counters()) {
            sql.append(", sum(").append(counter).append(") AS ").append(counter);
        }
        for (String unique : kind.uniques()) {
            String sketch = Tables.sketchColumn(unique);
            sql.append(", sum(").append(unique).append(") AS ").append(unique)
                    .append(", array_agg(").append(sketch).append(") FILTER (WHERE ").append(sketch)
                    .append(" IS NOT NULL) AS ").append(sketch);
        }
        sql.append(", sum(total_sales) AS total_sales, sum(").append(valueColumn).append(") AS ").append(valueColumn)
                .append(", sum(days_to_sale_sum) AS days_to_sale_sum, sum(days_to_sale_count) AS days_to_sale_count");
        if (kind == EntityKind.USER) {
            sql.append(", (array_agg(total_listings ORDER BY date DESC))[1] AS total_listings")
                    .append(", max(active_listings) AS active_listings, sum(sold_listings) AS sold_listings");
        }
        sql.append(" FROM ").append(Tables.table(kind)).append(" WHERE ").append(Tables.idColumn(kind))
                .append(" = :id AND date BETWEEN :from AND :to GROUP BY 1 ORDER BY min(date)");
        return Stores.call(store, "reading the " + Tables.table(kind) + " of " + id, () -> jdbi.withHandle(h -> h
                .createQuery(sql.toString()).bind("id", id).bind("from", from).bind("to", to)
                .map((rs, ctx) -> totals(kind, rs)).list()));
    }

    private PeriodTotals totals(EntityKind kind, ResultSet rs) throws SQLException {
        Map<String, Long> counters = new LinkedHashMap<>();
        for (String counter : kind.counters()) {
            counters.put(counter, rs.getLong(counter));
        }
        long totalSales = rs.getLong("total_sales");
        counters.put("total_sales", totalSales);
        if (kind == EntityKind.USER) {
            counters.put("total_listings", rs.getLong("total_listings"));
            counters.put("active_listings", rs.getLong("active_listings"));
            counters.put("sold_listings", rs.getLong("sold_listings"));
        }
        Map<String, Long> uniques = new LinkedHashMap<>();
        for (String unique : kind.uniques()) {
            List<byte[]> sketches = sketches(rs.getArray(Tables.sketchColumn(unique)));
            // One sketch (or none) is already counted in its day row; only real unions need Redis.
            uniques.put(unique, sketches.size() <= 1 ? rs.getLong(unique) : union.unionCount(sketches));
        }
        Map<String, BigDecimal> amounts = new LinkedHashMap<>();
        String valueColumn = Tables.salesValueColumn(kind);
        BigDecimal value = rs.getBigDecimal(valueColumn);
        amounts.put(valueColumn, value == null ? DerivedMetrics.ZERO : value);
        amounts.put("avg_sale_price", DerivedMetrics.average(value, totalSales));
        amounts.put("avg_days_to_sale", DerivedMetrics.average(BigDecimal.valueOf(rs.getLong("days_to_sale_sum")),
                rs.getLong("days_to_sale_count")));
        String[] conversion = Tables.conversion(kind);
        amounts.put("conversion_rate", DerivedMetrics.conversionRate(counters.get(conversion[0]),
                counters.get(conversion[1])));
        amounts.put("lead_to_sale_rate", DerivedMetrics.leadToSaleRate(totalSales,
                counters.get(Tables.leadsForSales(kind))));
        if (kind == EntityKind.DEVELOPMENT) {
            amounts.put("engagement_rate", DerivedMetrics.engagementRate(counters.get(Metrics.TOTAL_INTERACTIONS),
                    counters.get(Metrics.TOTAL_VIEWS)));
        }
        return new PeriodTotals(rs.getString("period"), rs.getObject("first_day", LocalDate.class),
                rs.getObject("last_day", LocalDate.class), counters, uniques, amounts);
    }

    private static List<byte[]> sketches(Array array) throws SQLException {
        if (array == null) {
            return List.of();
        }
        Object[] values = (Object[]) array.getArray();
        List<byte[]> sketches = new ArrayList<>(values.length);
        for (Object value : values) {
            if (value != null) {
                sketches.add((byte[]) value);
            }
        }
        return sketches;
    }

    private static void checkRange(LocalDate from, LocalDate to) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("the range ends (" + to + ") before it starts (" + from + ")");
        }
    }
}
