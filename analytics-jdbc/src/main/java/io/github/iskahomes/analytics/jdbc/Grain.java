package io.github.iskahomes.analytics.jdbc;

/** How {@link AnalyticsQueries} groups days: by the calendar columns every analytics table carries. */
public enum Grain {
    /** One period per day, labelled {@code 2025-01-15}. */
    DAY("date::text"),
    /** ISO weeks, labelled {@code 2025-W03}. */
    WEEK("week"),
    /** Months, labelled {@code 2025-01}. */
    MONTH("month"),
    /** Quarters, labelled {@code 2025-Q1}. */
    QUARTER("quarter"),
    /** Years, labelled {@code 2025}. */
    YEAR("year::text");

    private final String column;

    Grain(String column) {
        this.column = column;
    }

    String column() {
        return column;
    }
}
