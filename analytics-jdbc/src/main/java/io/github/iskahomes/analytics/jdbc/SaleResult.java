package io.github.iskahomes.analytics.jdbc;

import java.util.List;

/**
 * What {@link SalesLedger#record(Sale)} did: recorded with its {@code sales_listings.id}, or refused with reasons.
 *
 * @param id       the new row's id, or 0 when refused
 * @param problems why the sale was refused, one sentence each ({@code "price must be more than 0"}); empty when recorded
 */
public record SaleResult(long id, List<String> problems) {
    public SaleResult {
        problems = List.copyOf(problems);
    }

    /** Whether the sale was recorded. */
    public boolean recorded() {
        return problems.isEmpty();
    }
}
