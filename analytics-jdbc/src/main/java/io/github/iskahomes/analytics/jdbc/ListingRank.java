package io.github.iskahomes.analytics.jdbc;

import java.math.BigDecimal;

/**
 * One listing of a {@link AnalyticsQueries#topListings top-N} answer, with its totals over the range.
 *
 * @param listingId      the listing
 * @param totalViews     summed views
 * @param uniqueViews    distinct viewers over the whole range (a union of the day sketches)
 * @param totalLeads     summed leads
 * @param conversionRate total_leads / total_views × 100 over the range, 2 decimals
 */
public record ListingRank(String listingId, long totalViews, long uniqueViews, long totalLeads,
                          BigDecimal conversionRate) {
}
