package io.github.iskahomes.analytics.jdbc;

import io.github.iskahomes.analytics.core.EntityKind;
import io.github.iskahomes.analytics.core.internal.Metrics;
import java.util.List;

/** Where each entity kind lives in PostgreSQL. Counter and unique columns come from {@link EntityKind}. */
final class Tables {
    private Tables() {
    }

    static String table(EntityKind kind) {
        return switch (kind) {
            case LISTING -> "listing_analytics";
            case USER -> "user_analytics";
            case DEVELOPMENT -> "development_analytics";
        };
    }

    static String idColumn(EntityKind kind) {
        return switch (kind) {
            case LISTING -> "listing_id";
            case USER -> "user_id";
            case DEVELOPMENT -> "development_id";
        };
    }

    /** The primary key columns, for ON CONFLICT. */
    static String conflictKey(EntityKind kind) {
        return switch (kind) {
            case LISTING -> "listing_id, date";
            case USER -> "user_id, date";
            case DEVELOPMENT -> "development_id, date";
        };
    }

    /** Descriptive text columns that come from the entity-day metadata hash (besides the id). */
    static List<String> metadataColumns(EntityKind kind) {
        return switch (kind) {
            case LISTING -> List.of(Metrics.META_LISTER_ID, Metrics.META_LISTER_TYPE, Metrics.META_DEVELOPMENT_ID);
            case USER -> List.of(Metrics.META_USER_TYPE);
            case DEVELOPMENT -> List.of(Metrics.META_DEVELOPER_ID);
        };
    }

    static String sketchColumn(String unique) {
        return unique + "_hll";
    }

    /** The money column summing sale prices: sales_value, or total_revenue for listers. */
    static String salesValueColumn(EntityKind kind) {
        return kind == EntityKind.USER ? "total_revenue" : "sales_value";
    }

    /** Numerator and denominator of conversion_rate. */
    static String[] conversion(EntityKind kind) {
        return kind == EntityKind.USER
                ? new String[] {Metrics.TOTAL_LISTING_LEADS, Metrics.TOTAL_LISTING_VIEWS}
                : new String[] {Metrics.TOTAL_LEADS, Metrics.TOTAL_VIEWS};
    }

    /** The leads column lead_to_sale_rate divides total_sales by. */
    static String leadsForSales(EntityKind kind) {
        return kind == EntityKind.USER ? Metrics.TOTAL_LEADS_GENERATED : Metrics.TOTAL_LEADS;
    }
}
