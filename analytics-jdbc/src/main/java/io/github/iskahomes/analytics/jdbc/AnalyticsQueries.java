package io.github.iskahomes.analytics.jdbc;

import io.github.iskahomes.analytics.core.EntityKind;
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
import java.util.Optional;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.postgres.PostgresPlugin;

/**
 * Read side for dashboards: a listing's, a lister's or a development's totals over a date range grouped by day,
 * week, month, quarter or year, and top-N listings over a range.
 *
 * <p>Counters are summed in SQL; unique counts are unions of the per-day HyperLogLog sketches the aggregator keeps in
 * PostgreSQL, counted by {@link SketchUnion} (Redis), so a month's unique viewers is a true union even after Redis
 * forgot the days; rates and averages are recomputed in SQL from summed numerators and denominators, by the
 * schema's {@code analytics_rate} and {@code analytics_average} (see {@link Schema}), never averaged and never
 * computed in Java.
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
     * The totals of a whole range as one period labelled {@code from/to} (an ISO 8601 interval, such as
     * {@code 2025-01-01/2025-01-31}): counters summed, uniques a union over every day of the range, rates and averages
     * recomputed from the range's sums. Empty when the entity has no aggregated day in the range.
     */
    public Optional<PeriodTotals> totals(EntityKind kind, String id, LocalDate from, LocalDate to) {
        Objects.requireNonNull(kind, "kind");
        List<PeriodTotals> one = series(kind, id, from, to, "CAST('" + from + "/" + to + "' AS text)");
        return one.isEmpty() ? Optional.empty() : Optional.of(one.get(0));
    }

    /**
     * The lister a listing or development belongs to, as its latest aggregated day names it ({@code lister_id} of
     * {@code listing_analytics}, {@code developer_id} of {@code development_analytics}); a lister is its own. Empty
     * when no aggregated day names one. Dashboards use it to let a lister see only their own entities.
     */
    public Optional<String> listerOf(EntityKind kind, String id) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        if (kind == EntityKind.USER) {
            return Optional.of(id);
        }
        String column = kind == EntityKind.LISTING ? "lister_id" : "developer_id";
        String sql = "SELECT " + column + " FROM " + Tables.table(kind) + " WHERE " + Tables.idColumn(kind)
                + " = :id AND " + column + " IS NOT NULL ORDER BY date DESC LIMIT 1";
        return Stores.call(store, "reading the lister of " + id, () -> jdbi.withHandle(h -> h.createQuery(sql)
                .bind("id", id).mapTo(String.class).findOne()));
    }

    /**
     * The top {@code limit} listings over {@code from}–{@code to} by views, leads or conversion; ties are broken by
     * the other counter, then by listing id.
     */
    public List<ListingRank> topListings(LocalDate from, LocalDate to, Ranking by, int limit) {
        return topListings(from, to, by, limit, null);
    }

    /**
     * As {@link #topListings(LocalDate, LocalDate, Ranking, int)}, over the listings of one lister only (the days
     * whose {@code lister_id} is {@code listerId}), or over all listings when {@code listerId} is null.
     */
    public List<ListingRank> topListings(LocalDate from, LocalDate to, Ranking by, int limit, String listerId) {
        checkRange(from, to);
        Objects.requireNonNull(by, "by");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        String sql = Sql.resource("top_listings.sql").replace("/*ORDER*/", by.order())
                .replace("/*HAVING*/", by == Ranking.CONVERSION ? "HAVING sum(total_views) > 0" : "")
                .replace("/*LISTER*/", listerId == null ? "" : "AND lister_id = :lister");
        return Stores.call(store, "ranking listings", () -> jdbi.withHandle(h -> bindLister(h.createQuery(sql)
                .bind("from", from).bind("to", to).bind("limit", limit), listerId)
                .map((rs, ctx) -> {
                    List<byte[]> sketches = sketches(rs.getArray("unique_views_hll"));
                    long unique = sketches.size() <= 1 ? rs.getLong("unique_views") : union.unionCount(sketches);
                    return new ListingRank(rs.getString("listing_id"), rs.getLong("total_views"), unique,
                            rs.getLong("total_leads"), rs.getBigDecimal("conversion_rate"));
                }).list()));
    }

    private static Query bindLister(Query query, String lister) {
        return lister == null ? query : query.bind("lister", lister);
    }

    private List<PeriodTotals> series(EntityKind kind, String id, LocalDate from, LocalDate to, Grain grain) {
        Objects.requireNonNull(grain, "grain");
        return series(kind, id, from, to, grain.column());
    }

    /** The totals per value of {@code period}: a calendar column, or a constant for the whole range. */
    private List<PeriodTotals> series(EntityKind kind, String id, LocalDate from, LocalDate to, String period) {
        Objects.requireNonNull(id, "id");
        checkRange(from, to);
        String valueColumn = Tables.salesValueColumn(kind);
        StringBuilder sql = new StringBuilder("SELECT ").append(period)
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
        sql.append(", sum(total_sales) AS total_sales, sum(").append(valueColumn).append(") AS ").append(valueColumn);
        derived(kind).forEach((amount, expression) -> sql.append(", ").append(expression).append(" AS ")
                .append(amount));
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
        amounts.put(valueColumn, rs.getBigDecimal(valueColumn));
        for (String amount : derived(kind).keySet()) {
            amounts.put(amount, rs.getBigDecimal(amount));
        }
        return new PeriodTotals(rs.getString("period"), rs.getObject("first_day", LocalDate.class),
                rs.getObject("last_day", LocalDate.class), counters, uniques, amounts);
    }

    /** The averages and rates of a period by name, each as its SQL over the period's summed columns. */
    private static Map<String, String> derived(EntityKind kind) {
        String[] conversion = Tables.conversion(kind);
        Map<String, String> derived = new LinkedHashMap<>();
        derived.put("avg_sale_price", average(Tables.salesValueColumn(kind), "total_sales"));
        derived.put("avg_days_to_sale", average("days_to_sale_sum", "days_to_sale_count"));
        derived.put("conversion_rate", rate(conversion[0], conversion[1]));
        derived.put("lead_to_sale_rate", rate("total_sales", Tables.leadsForSales(kind)));
        if (kind == EntityKind.DEVELOPMENT) {
            derived.put("engagement_rate", rate(Metrics.TOTAL_INTERACTIONS, Metrics.TOTAL_VIEWS));
        }
        return derived;
    }

    /** The schema's one definition of a rate, over the range's sums (never an average of daily rates). */
    private static String rate(String numerator, String denominator) {
        return "analytics_rate(sum(" + numerator + "), sum(" + denominator + "))";
    }

    /** The schema's one definition of an average, over the range's sums. */
    private static String average(String total, String count) {
        return "analytics_average(sum(" + total + "), sum(" + count + "))";
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
