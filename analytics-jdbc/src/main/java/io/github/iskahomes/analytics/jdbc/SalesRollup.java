package io.github.iskahomes.analytics.jdbc;

import io.github.iskahomes.analytics.core.internal.CalendarParts;
import java.time.LocalDate;
import org.jdbi.v3.core.Handle;

/** Recomputes the sales columns of a day's listing, lister and development rows from {@code sales_listings}. */
final class SalesRollup {
    private SalesRollup() {
    }

    static void refresh(Handle handle, LocalDate day) {
        CalendarParts parts = CalendarParts.of(day);
        for (String resource : new String[] {
                "sales_listings_refresh.sql", "sales_users_refresh.sql", "sales_developments_refresh.sql"}) {
            handle.createUpdate(Sql.resource(resource))
                    .bind("date", day).bind("week", parts.week()).bind("month", parts.month())
                    .bind("quarter", parts.quarter()).bind("year", parts.year())
                    .execute();
        }
    }
}
