package io.github.iskahomes.analytics.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;

import io.github.iskahomes.analytics.core.BusinessCalendar;
import io.github.iskahomes.analytics.testing.PostgresExtension;
import io.github.iskahomes.analytics.testing.TestPostgres;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class SalesLedgerTest {
    private static final Instant NOON = Instant.parse("2025-01-15T12:00:00Z");
    private Jdbi jdbi;
    private SalesLedger ledger;

    @BeforeEach
    void setUp(TestPostgres pg) {
        jdbi = Jdbi.create(pg.dataSource());
        Schema.migrate(jdbi);
        ledger = SalesLedger.create(pg.dataSource(), BusinessCalendar.UTC);
    }

    @Test
    void aSaleIsStoredWithEveryColumnAndRollsUpIntoItsDay() {
        jdbi.useHandle(h -> h.execute("""
                INSERT INTO listing_analytics (listing_id, date, week, month, quarter, year, lister_id, lister_type,
                    development_id, total_views, total_leads)
                VALUES ('L1', DATE '2025-01-10', '2025-W02', '2025-01', '2025-Q1', 2025, 'dev-1', 'developer', 'D1', 10, 4),
                       ('L1', DATE '2025-01-15', '2025-W03', '2025-01', '2025-Q1', 2025, 'dev-1', 'developer', 'D1', 20, 4)"""));
        SaleResult first = ledger.record(Sale.of("L1", new BigDecimal("250000.00"), "NGN", NOON)
                .withBuyer("buyer-1", "Ada Obi").withSource("platform").withCommission(new BigDecimal("2.50"), null)
                .withNotes("cash"));
        SaleResult second = ledger.record(Sale.of("L1", new BigDecimal("150000.50"), "NGN", NOON.plusSeconds(60))
                .withSaleType("rent").withListedOn(LocalDate.parse("2025-01-05")));
        assertThat(first.recorded()).isTrue();
        assertThat(second.recorded()).isTrue();

        Map<String, Object> row = jdbi.withHandle(h -> h.createQuery("SELECT * FROM sales_listings WHERE id = :id")
                .bind("id", first.id()).mapToMap().one());
        assertThat(row).containsEntry("listing_id", "L1").containsEntry("user_id", "buyer-1")
                .containsEntry("buyer_name", "Ada Obi").containsEntry("lister_id", "dev-1")
                .containsEntry("lister_type", "developer").containsEntry("development_id", "D1")
                .containsEntry("sale_date", java.sql.Date.valueOf("2025-01-15"))
                .containsEntry("sale_price", new BigDecimal("250000.00")).containsEntry("currency", "NGN")
                .containsEntry("sale_type", "sale").containsEntry("sale_source", "platform")
                .containsEntry("commission_rate", new BigDecimal("2.50"))
                .containsEntry("commission_amount", new BigDecimal("6250.00")).containsEntry("notes", "cash")
                .containsEntry("listed_date", java.sql.Date.valueOf("2025-01-10"));

        Map<String, Object> day = jdbi.withHandle(h -> h.createQuery("""
                SELECT total_sales, sales_value, avg_sale_price, avg_days_to_sale, lead_to_sale_rate, total_views
                FROM listing_analytics WHERE listing_id = 'L1' AND date = DATE '2025-01-15'""").mapToMap().one());
        assertThat(day).containsEntry("total_sales", 2L).containsEntry("sales_value", new BigDecimal("400000.50"))
                .containsEntry("avg_sale_price", new BigDecimal("200000.25"))
                .containsEntry("avg_days_to_sale", new BigDecimal("7.50"))
                .containsEntry("lead_to_sale_rate", new BigDecimal("50.00")).containsEntry("total_views", 20L);

        Map<String, Object> lister = jdbi.withHandle(h -> h.createQuery("""
                SELECT total_sales, sold_listings, total_revenue, avg_sale_price, week, month, quarter, year
                FROM user_analytics WHERE user_id = 'dev-1' AND user_type = 'developer' AND date = DATE '2025-01-15'""")
                .mapToMap().one());
        assertThat(lister).containsEntry("total_sales", 2L).containsEntry("sold_listings", 1L)
                .containsEntry("total_revenue", new BigDecimal("400000.50"))
                .containsEntry("avg_sale_price", new BigDecimal("200000.25")).containsEntry("week", "2025-W03")
                .containsEntry("month", "2025-01").containsEntry("quarter", "2025-Q1").containsEntry("year", 2025);
        Map<String, Object> development = jdbi.withHandle(h -> h.createQuery("""
                SELECT total_sales, sales_value FROM development_analytics WHERE development_id = 'D1'""")
                .mapToMap().one());
        assertThat(development).containsEntry("total_sales", 2L)
                .containsEntry("sales_value", new BigDecimal("400000.50"));
    }

    @Test
    void aBadSaleIsRefusedWithEveryReasonAndNothingIsWritten() {
        SaleResult result = ledger.record(new Sale("L{1}", new BigDecimal("-5"), "naira", null, " ", null, null, null,
                null, "landlord", null, null, new BigDecimal("120"), null, null));
        assertThat(result.recorded()).isFalse();
        assertThat(result.id()).isZero();
        assertThat(result.problems()).containsExactly(
                "listing_id has '{', which ids may not contain",
                "price must be more than 0, got -5",
                "currency \"naira\" is not an ISO 4217 code such as NGN or USD",
                "sold_at is missing",
                "sale_type is missing",
                "lister_type \"landlord\" is not one of developer, agent, agency, property_manager",
                "commission_rate must be between 0 and 100 percent, got 120");
        assertThat(ledger.record(Sale.of("L1", new BigDecimal("10.001"), "USD", NOON)).problems())
                .containsExactly("price has more than 2 decimals: 10.001");
        assertThat(ledger.record(Sale.of("L1", BigDecimal.TEN, "USD", NOON).withListedOn(LocalDate.parse("2025-02-01")))
                .problems()).containsExactly("listed_on 2025-02-01 is after the sale date 2025-01-15");
        assertThat(Db.scalar(jdbi, "SELECT count(*) FROM sales_listings")).isZero();
    }

    @Test
    void saleTextPostgresCannotStoreIsRefusedNamingEachField() {
        SaleResult result = ledger.record(Sale.of("L1", BigDecimal.TEN, "USD", NOON)
                .withBuyer("buyer\u0000", "Ada\u0000Obi").withSource("web\uDC00").withSaleType("rent\u0000")
                .withNotes("paid \uD800 cash"));
        assertThat(result.recorded()).isFalse();
        assertThat(result.problems()).containsExactly(
                "sale_type has a NUL character (U+0000) at position 5, which PostgreSQL cannot store",
                "sale_source has an unpaired UTF-16 surrogate (U+DC00) at position 4, which UTF-8 cannot encode",
                "user_id has a NUL character (U+0000) at position 6, which PostgreSQL cannot store",
                "buyer_name has a NUL character (U+0000) at position 4, which PostgreSQL cannot store",
                "notes has an unpaired UTF-16 surrogate (U+D800) at position 6, which UTF-8 cannot encode");
        assertThat(Db.scalar(jdbi, "SELECT count(*) FROM sales_listings")).isZero();
        assertThat(ledger.record(Sale.of("L1", BigDecimal.TEN, "USD", NOON).withBuyer("b-1", "Zoë \uD83D\uDE00"))
                .recorded()).isTrue();
        assertThat(Db.strings(jdbi, "SELECT buyer_name FROM sales_listings")).containsExactly("Zoë \uD83D\uDE00");
    }
}
