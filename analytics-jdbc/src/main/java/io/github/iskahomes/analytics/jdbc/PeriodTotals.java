package io.github.iskahomes.analytics.jdbc;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Map;

/**
 * Totals of one entity over one period (a day, week, month, quarter or year) within the asked range.
 * Counters are sums of the day rows, uniques are unions of the day sketches (never sums of daily uniques), and rates
 * and averages are recomputed from summed numerators and denominators (never averaged).
 *
 * @param period   the period's label: {@code 2025-01-15}, {@code 2025-W03}, {@code 2025-01}, {@code 2025-Q1}, {@code 2025}
 * @param firstDay the first day with data in the period (within the range)
 * @param lastDay  the last day with data in the period (within the range)
 * @param counters summed counters by column name ({@code total_views}, …), including {@code total_sales}; for listers
 *                 {@code total_listings} is the running count on {@code lastDay} and {@code active_listings} the
 *                 most on any day
 * @param uniques  distinct counts by column name ({@code unique_views}, …)
 * @param amounts  money, rates and averages by column name ({@code sales_value}, {@code conversion_rate}, …)
 */
public record PeriodTotals(String period, LocalDate firstDay, LocalDate lastDay, Map<String, Long> counters,
                           Map<String, Long> uniques, Map<String, BigDecimal> amounts) {
    public PeriodTotals {
        counters = Map.copyOf(counters);
        uniques = Map.copyOf(uniques);
        amounts = Map.copyOf(amounts);
    }

    /** A counter's total, 0 when the entity kind has no such counter. */
    public long counter(String name) {
        return counters.getOrDefault(name, 0L);
    }

    /** A distinct count, 0 when the entity kind has no such metric. */
    public long unique(String name) {
        return uniques.getOrDefault(name, 0L);
    }

    /** A money amount, rate or average, or null when the entity kind has none of that name. */
    public BigDecimal amount(String name) {
        return amounts.get(name);
    }
}
