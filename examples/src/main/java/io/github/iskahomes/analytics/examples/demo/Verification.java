package io.github.iskahomes.analytics.examples.demo;

import io.github.iskahomes.analytics.batcher.SinkStats;
import io.github.iskahomes.analytics.core.EntityKind;
import io.github.iskahomes.analytics.examples.Pipeline;
import io.github.iskahomes.analytics.redis.internal.RedisForms;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares every table with the simulator's own tally: every counter of every entity and day exactly, every unique
 * count within HyperLogLog error, every lead's action count, sales per listing, lister and development, and events
 * per type.
 */
public final class Verification {
    private final Pipeline pipeline;
    private final Expected expected;
    private final LocalDate from;
    private final LocalDate to;
    private final List<String> problems = new ArrayList<>();
    private long cells;
    private long eventsLost;
    private long eventsDoubled;

    public Verification(Pipeline pipeline, Expected expected, LocalDate from, LocalDate to) {
        this.pipeline = pipeline;
        this.expected = expected;
        this.from = from;
        this.to = to;
    }

    public long cellsChecked() {
        return cells;
    }

    /** Events sent but not counted in Redis, summed over event types (after {@link #checkStored}). */
    public long eventsLost() {
        return eventsLost;
    }

    /** Events counted in Redis more often than sent, summed over event types (after {@link #checkStored}). */
    public long eventsDoubled() {
        return eventsDoubled;
    }

    List<String> check(Map<String, Long> eventsByType, SinkStats delivery) {
        if (delivery.sent() != expected.events() || delivery.dropped() != 0 || delivery.failed() != 0
                || delivery.rejected() != 0) {
            problems.add("batcher delivered " + delivery.sent() + " of " + expected.events() + " events (dropped "
                    + delivery.dropped() + ", failed " + delivery.failed() + ", rejected " + delivery.rejected() + ")");
        }
        return checkStored(eventsByType);
    }

    /** Everything but the batcher's own delivery counts: events per type in Redis and every table. */
    public List<String> checkStored(Map<String, Long> eventsByType) {
        if (!eventsByType.equals(expected.eventsByType())) {
            problems.add("events per type in Redis " + eventsByType + " != sent " + expected.eventsByType());
        }
        Set<String> types = new HashSet<>(eventsByType.keySet());
        types.addAll(expected.eventsByType().keySet());
        for (String type : types) {
            long difference = eventsByType.getOrDefault(type, 0L) - expected.eventsByType().getOrDefault(type, 0L);
            eventsLost += Math.max(0, -difference);
            eventsDoubled += Math.max(0, difference);
        }
        table(EntityKind.LISTING, "listing_analytics", "listing_id");
        table(EntityKind.USER, "user_analytics", "user_id");
        table(EntityKind.DEVELOPMENT, "development_analytics", "development_id");
        leads();
        sales("listing_analytics", "listing_id", expected.salesByListing());
        sales("user_analytics", "user_id", expected.salesByLister());
        sales("development_analytics", "development_id", expected.salesByDevelopment());
        salesValue();
        return problems;
    }

    private void table(EntityKind kind, String table, String idColumn) {
        String name = RedisForms.keyName(kind);
        Set<Expected.Cell> seen = new HashSet<>();
        pipeline.jdbi().useHandle(handle -> handle.createQuery("SELECT * FROM " + table
                        + " WHERE date BETWEEN :from AND :to").bind("from", from).bind("to", to)
                .map((rs, ctx) -> {
                    row(kind, name, idColumn, rs, seen);
                    return 1;
                }).list());
        for (Map.Entry<Expected.Cell, Long> cell : expected.counters().entrySet()) {
            if (cell.getKey().kind().equals(name) && !seen.contains(cell.getKey())) {
                problems.add(cell.getKey() + ": no row, expected " + cell.getValue());
            }
        }
    }

    private void row(EntityKind kind, String name, String idColumn, ResultSet rs, Set<Expected.Cell> seen)
            throws SQLException {
        String id = rs.getString(idColumn);
        LocalDate day = rs.getObject("date", LocalDate.class);
        if (kind == EntityKind.USER) {
            String type = expected.userTypes().get(id);
            if (type != null && !type.equals(rs.getString("user_type"))) {
                problems.add("user " + id + " has user_type " + rs.getString("user_type") + ", expected " + type);
            }
        }
        for (String metric : kind.counters()) {
            Expected.Cell cell = new Expected.Cell(name, id, day, metric);
            long want = expected.counters().getOrDefault(cell, 0L);
            long got = rs.getLong(metric);
            seen.add(cell);
            cells++;
            if (want != got) {
                problems.add(cell + ": PostgreSQL has " + got + ", the simulator sent " + want);
            }
        }
        for (String metric : kind.uniques()) {
            Expected.Cell cell = new Expected.Cell(name, id, day, metric);
            long want = expected.uniques().getOrDefault(cell, Set.of()).size();
            long got = rs.getLong(metric);
            cells++;
            if (Math.abs(want - got) > hyperLogLogTolerance(want)) {
                problems.add(cell + ": PostgreSQL has " + got + " distinct, the simulator had " + want);
            }
        }
    }

    /**
     * How far a Redis HyperLogLog count may be from the true count: three standard errors (0.81% each) plus the
     * register collisions expected among {@code n} members in 16,384 registers, which make small counts run low.
     */
    static long hyperLogLogTolerance(long n) {
        return (long) Math.ceil(3 * 0.0081 * n + (double) n * n / 32_768 + 2);
    }

    private void leads() {
        Map<Expected.Lead, Long> actual = new HashMap<>();
        pipeline.jdbi().useHandle(handle -> handle.createQuery("SELECT listing_id, seeker_id, total_actions FROM leads")
                .map((rs, ctx) -> actual.put(new Expected.Lead(rs.getString(1), rs.getString(2)), rs.getLong(3)))
                .list());
        if (!actual.equals(expected.leadActions())) {
            int shown = 0;
            for (Map.Entry<Expected.Lead, Long> lead : expected.leadActions().entrySet()) {
                Long got = actual.get(lead.getKey());
                if (!lead.getValue().equals(got) && shown++ < 10) {
                    problems.add(lead.getKey() + ": total_actions " + got + ", expected " + lead.getValue());
                }
            }
            if (actual.size() != expected.leadActions().size()) {
                problems.add("leads: " + actual.size() + " rows, expected " + expected.leadActions().size());
            }
        }
        cells += expected.leadActions().size();
    }

    private void sales(String table, String idColumn, Map<String, Long> want) {
        Map<String, Long> got = new HashMap<>();
        pipeline.jdbi().useHandle(handle -> handle.createQuery("SELECT " + idColumn + ", sum(total_sales) FROM " + table
                        + " WHERE date BETWEEN :from AND :to GROUP BY " + idColumn + " HAVING sum(total_sales) > 0")
                .bind("from", from).bind("to", to)
                .map((rs, ctx) -> got.put(rs.getString(1), rs.getLong(2))).list());
        cells += want.size();
        if (!got.equals(want)) {
            problems.add(table + " total_sales per " + idColumn + " " + got + " != recorded " + want);
        }
    }

    private void salesValue() {
        Map<String, BigDecimal> got = new HashMap<>();
        pipeline.jdbi().useHandle(handle -> handle.createQuery("SELECT listing_id, sum(sales_value) FROM listing_analytics"
                        + " WHERE date BETWEEN :from AND :to GROUP BY listing_id HAVING sum(total_sales) > 0")
                .bind("from", from).bind("to", to)
                .map((rs, ctx) -> got.put(rs.getString(1), rs.getBigDecimal(2))).list());
        for (Map.Entry<String, BigDecimal> want : expected.salesValueByListing().entrySet()) {
            BigDecimal value = got.get(want.getKey());
            if (value == null || value.compareTo(want.getValue()) != 0) {
                problems.add("listing " + want.getKey() + " sales_value " + value + ", recorded " + want.getValue());
            }
        }
    }
}
