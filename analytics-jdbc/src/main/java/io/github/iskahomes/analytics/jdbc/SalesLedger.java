package io.github.iskahomes.analytics.jdbc;

import io.github.iskahomes.analytics.core.BusinessCalendar;
import io.github.iskahomes.analytics.core.ListerType;
import io.github.iskahomes.analytics.core.internal.Ids;
import io.github.iskahomes.analytics.core.internal.StorableText;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;

/**
 * Records sales in {@code sales_listings}. A sale is not a tracking event: the host records it when it happens, and
 * the sales columns of the sale's day (total_sales, sales_value, avg_sale_price, avg_days_to_sale,
 * lead_to_sale_rate for the listing, its lister and its development) are refreshed in the same transaction; the
 * {@link Aggregator} refreshes them again for every day it runs.
 *
 * <p>Thread-safe. The {@link Jdbi} or {@link DataSource} is the host's and is never closed here.
 */
public final class SalesLedger {
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
    private static final BigDecimal MAX_PRICE = new BigDecimal("9999999999.99");

    private final Jdbi jdbi;
    private final BusinessCalendar calendar;
    private final String store;

    private SalesLedger(Jdbi jdbi, BusinessCalendar calendar, String store) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
        this.calendar = Objects.requireNonNull(calendar, "calendar");
        this.store = store;
    }

    /** A ledger over the host's Jdbi; sale days are taken in {@code calendar}'s zone (use the ingestor's). */
    public static SalesLedger create(Jdbi jdbi, BusinessCalendar calendar) {
        return new SalesLedger(jdbi, calendar, "PostgreSQL");
    }

    /** A ledger over the host's data source; sale days are taken in {@code calendar}'s zone. */
    public static SalesLedger create(DataSource dataSource, BusinessCalendar calendar) {
        return new SalesLedger(Jdbi.create(dataSource).installPlugin(new PostgresPlugin()), calendar,
                Stores.describe(dataSource));
    }

    /**
     * Checks and records a sale. A bad sale is refused with every reason at once, and nothing is written. Text
     * PostgreSQL cannot store (U+0000, an unpaired UTF-16 surrogate) in {@code sale_type}, {@code sale_source},
     * {@code user_id}, {@code buyer_name} or {@code notes} is one such reason, naming the field.
     *
     * @return the new row's id, or the reasons for refusing it
     * @throws io.github.iskahomes.analytics.core.StoreUnavailableException if PostgreSQL cannot be reached
     * @throws io.github.iskahomes.analytics.core.AnalyticsException if the insert fails for another reason
     */
    public SaleResult record(Sale sale) {
        Objects.requireNonNull(sale, "sale");
        List<String> problems = problems(sale);
        if (!problems.isEmpty()) {
            return new SaleResult(0, problems);
        }
        LocalDate saleDate = calendar.dayOf(sale.soldAt());
        if (sale.listedOn() != null && sale.listedOn().isAfter(saleDate)) {
            return new SaleResult(0, List.of("listed_on " + sale.listedOn() + " is after the sale date " + saleDate));
        }
        BigDecimal commissionAmount = sale.commissionAmount();
        if (commissionAmount == null && sale.commissionRate() != null) {
            commissionAmount = sale.price().multiply(sale.commissionRate()).divide(HUNDRED, 2, RoundingMode.HALF_UP);
        }
        BigDecimal amount = commissionAmount;
        long id = Stores.call(store, "recording a sale of listing " + sale.listingId(), () -> jdbi.inTransaction(h -> {
            Optional<Map<String, Object>> known = h.createQuery("""
                            SELECT (SELECT lister_id FROM listing_analytics WHERE listing_id = :l AND lister_id IS NOT NULL
                                    ORDER BY date DESC LIMIT 1) AS lister_id,
                                   (SELECT lister_type FROM listing_analytics WHERE listing_id = :l AND lister_type IS NOT NULL
                                    ORDER BY date DESC LIMIT 1) AS lister_type,
                                   (SELECT development_id FROM listing_analytics WHERE listing_id = :l
                                    AND development_id IS NOT NULL ORDER BY date DESC LIMIT 1) AS development_id,
                                   (SELECT min(date) FROM listing_analytics WHERE listing_id = :l) AS first_day""")
                    .bind("l", sale.listingId()).mapToMap().findOne();
            Map<String, Object> k = known.orElse(Map.of());
            long newId = h.createUpdate("""
                            INSERT INTO sales_listings (listing_id, user_id, buyer_name, lister_id, lister_type,
                                development_id, listed_date, sale_date, sale_timestamp, sale_price, currency, sale_type,
                                sale_source, commission_rate, commission_amount, notes)
                            VALUES (:listing, :buyer, :buyerName, :lister, :listerType, :development, :listed, :saleDate,
                                :soldAt, :price, :currency, :type, :source, :rate, :amount, :notes)""")
                    .bind("listing", sale.listingId())
                    .bind("buyer", sale.buyerId())
                    .bind("buyerName", sale.buyerName())
                    .bind("lister", sale.listerId() != null ? sale.listerId() : (String) k.get("lister_id"))
                    .bind("listerType", sale.listerType() != null
                            ? ListerType.fromWireName(sale.listerType()).orElseThrow().wireName()
                            : (String) k.get("lister_type"))
                    .bind("development", sale.developmentId() != null ? sale.developmentId()
                            : (String) k.get("development_id"))
                    .bind("listed", sale.listedOn() != null ? sale.listedOn() : toLocalDate(k.get("first_day")))
                    .bind("saleDate", saleDate)
                    .bind("soldAt", java.time.OffsetDateTime.ofInstant(sale.soldAt(), java.time.ZoneOffset.UTC))
                    .bind("price", sale.price())
                    .bind("currency", sale.currency())
                    .bind("type", sale.saleType())
                    .bind("source", sale.source())
                    .bind("rate", sale.commissionRate())
                    .bind("amount", amount)
                    .bind("notes", sale.notes())
                    .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
            SalesRollup.refresh(h, saleDate);
            return newId;
        }));
        return new SaleResult(id, List.of());
    }

    private static LocalDate toLocalDate(Object value) {
        if (value instanceof java.sql.Date date) {
            return date.toLocalDate();
        }
        return (LocalDate) value;
    }

    private static List<String> problems(Sale sale) {
        List<String> problems = new ArrayList<>();
        String listing = Ids.problem("listing_id", sale.listingId());
        if (sale.listingId() == null) {
            problems.add("listing_id is missing");
        } else if (listing != null) {
            problems.add(listing);
        }
        if (sale.price() == null) {
            problems.add("price is missing");
        } else if (sale.price().signum() <= 0) {
            problems.add("price must be more than 0, got " + sale.price().toPlainString());
        } else if (sale.price().stripTrailingZeros().scale() > 2) {
            problems.add("price has more than 2 decimals: " + sale.price().toPlainString());
        } else if (sale.price().compareTo(MAX_PRICE) > 0) {
            problems.add("price " + sale.price().toPlainString() + " is more than the largest price, "
                    + MAX_PRICE.toPlainString());
        }
        if (sale.currency() == null) {
            problems.add("currency is missing");
        } else if (!isCurrency(sale.currency())) {
            problems.add("currency \"" + sale.currency() + "\" is not an ISO 4217 code such as NGN or USD");
        }
        if (sale.soldAt() == null) {
            problems.add("sold_at is missing");
        } else if (sale.soldAt().isAfter(Instant.now().plusSeconds(3600))) {
            problems.add("sold_at " + sale.soldAt() + " is in the future");
        }
        if (sale.saleType() == null || sale.saleType().isBlank()) {
            problems.add("sale_type is missing");
        }
        String[][] texts = {{"sale_type", sale.saleType()}, {"sale_source", sale.source()},
            {"user_id", sale.buyerId()}, {"buyer_name", sale.buyerName()}, {"notes", sale.notes()}};
        for (String[] text : texts) {
            String problem = StorableText.problem(text[0], text[1]);
            if (problem != null) {
                problems.add(problem);
            }
        }
        if (sale.listerType() != null && ListerType.fromWireName(sale.listerType()).isEmpty()) {
            problems.add("lister_type \"" + sale.listerType() + "\" is not one of " + ListerType.NAMES);
        }
        if (sale.listerId() != null && Ids.problem("lister_id", sale.listerId()) != null) {
            problems.add(Ids.problem("lister_id", sale.listerId()));
        }
        if (sale.developmentId() != null && Ids.problem("development_id", sale.developmentId()) != null) {
            problems.add(Ids.problem("development_id", sale.developmentId()));
        }
        if (sale.commissionRate() != null
                && (sale.commissionRate().signum() < 0 || sale.commissionRate().compareTo(HUNDRED) > 0)) {
            problems.add("commission_rate must be between 0 and 100 percent, got "
                    + sale.commissionRate().toPlainString());
        }
        if (sale.commissionAmount() != null && sale.commissionAmount().signum() < 0) {
            problems.add("commission_amount must not be negative, got " + sale.commissionAmount().toPlainString());
        }
        if (sale.commissionAmount() != null && sale.price() != null
                && sale.commissionAmount().compareTo(sale.price()) > 0) {
            problems.add("commission_amount " + sale.commissionAmount().toPlainString() + " is more than the price "
                    + sale.price().toPlainString());
        }
        return problems;
    }

    private static boolean isCurrency(String code) {
        if (code.length() != 3 || !code.equals(code.toUpperCase(java.util.Locale.ROOT))) {
            return false;
        }
        try {
            Currency.getInstance(code);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
