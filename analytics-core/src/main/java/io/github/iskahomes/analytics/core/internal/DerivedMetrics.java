package io.github.iskahomes.analytics.core.internal;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The derived metrics of the contract. Each is 0 when its denominator is 0 and is rounded half-up to 2 decimals.
 * Rates over a range are recomputed from summed numerators and denominators, never averaged.
 */
public final class DerivedMetrics {
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
    public static final BigDecimal ZERO = BigDecimal.ZERO.setScale(2, RoundingMode.HALF_UP);

    private DerivedMetrics() {
    }

    /** {@code numerator / denominator × 100}. */
    public static BigDecimal percent(long numerator, long denominator) {
        if (denominator == 0) {
            return ZERO;
        }
        return BigDecimal.valueOf(numerator).multiply(HUNDRED)
                .divide(BigDecimal.valueOf(denominator), 2, RoundingMode.HALF_UP);
    }

    /** conversion_rate = total_leads / total_views × 100. */
    public static BigDecimal conversionRate(long totalLeads, long totalViews) {
        return percent(totalLeads, totalViews);
    }

    /** lead_to_sale_rate = total_sales / total_leads × 100. */
    public static BigDecimal leadToSaleRate(long totalSales, long totalLeads) {
        return percent(totalSales, totalLeads);
    }

    /** engagement_rate = total_interactions / total_views × 100. */
    public static BigDecimal engagementRate(long totalInteractions, long totalViews) {
        return percent(totalInteractions, totalViews);
    }

    /** avg_sale_price = sales_value / total_sales. */
    public static BigDecimal average(BigDecimal total, long count) {
        if (count == 0 || total == null) {
            return ZERO;
        }
        return total.divide(BigDecimal.valueOf(count), 2, RoundingMode.HALF_UP);
    }
}
