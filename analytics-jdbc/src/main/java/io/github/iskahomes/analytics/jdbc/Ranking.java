package io.github.iskahomes.analytics.jdbc;

/** What {@link AnalyticsQueries#topListings} ranks listings by, over a date range. */
public enum Ranking {
    /** Most total_views. */
    VIEWS("total_views DESC, total_leads DESC"),
    /** Most total_leads. */
    LEADS("total_leads DESC, total_views DESC"),
    /** Highest conversion_rate (leads / views), among listings with at least one view. */
    CONVERSION("conversion_rate DESC, total_leads DESC");

    private final String order;

    Ranking(String order) {
        this.order = order;
    }

    String order() {
        return order;
    }
}
