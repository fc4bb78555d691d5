package io.github.iskahomes.analytics.jdbc;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;

/**
 * A sale to record in {@code sales_listings} through {@link SalesLedger#record(Sale)}. Start from
 * {@link #of(String, BigDecimal, String, Instant)} and add the optional parts with the {@code with…} copies.
 * Nothing is checked here: the ledger checks a sale and answers with reasons.
 *
 * @param listingId        the listing sold (required)
 * @param price            the sale price, more than 0, at most 2 decimals (required)
 * @param currency         ISO 4217 code such as {@code NGN} or {@code USD} (required)
 * @param soldAt           when the sale happened; its day in the ledger's business zone is {@code sale_date} (required)
 * @param saleType         what kind of sale, for example {@code sale}, {@code rent}, {@code lease} (default {@code sale})
 * @param source           where the sale came from, for example {@code platform} or {@code offline}, or null
 * @param buyerId          the buyer's user id ({@code user_id}), or null
 * @param buyerName        the buyer's name, or null
 * @param listerId         the lister credited; null takes the listing's lister from {@code listing_analytics}
 * @param listerType       the lister's type; null takes it from {@code listing_analytics}
 * @param developmentId    the development of the listing; null takes it from {@code listing_analytics}
 * @param listedOn         when the listing went on the market, for days-to-sale; null takes the listing's first
 *                         day in {@code listing_analytics}
 * @param commissionRate   commission in percent (0–100), or null
 * @param commissionAmount commission amount; null with a rate computes price × rate / 100
 * @param notes            free text, or null
 */
public record Sale(String listingId, BigDecimal price, String currency, Instant soldAt, String saleType,
                   String source, String buyerId, String buyerName, String listerId, String listerType,
                   String developmentId, LocalDate listedOn, BigDecimal commissionRate,
                   BigDecimal commissionAmount, String notes) {

    /** A sale of type {@code sale} with only the required parts. */
    public static Sale of(String listingId, BigDecimal price, String currency, Instant soldAt) {
        return new Sale(listingId, price, currency, soldAt, "sale", null, null, null, null, null, null, null, null,
                null, null);
    }

    /** This sale with another sale type ({@code sale}, {@code rent}, {@code lease}, …). */
    public Sale withSaleType(String value) {
        return new Sale(listingId, price, currency, soldAt, value, source, buyerId, buyerName, listerId, listerType,
                developmentId, listedOn, commissionRate, commissionAmount, notes);
    }

    /** This sale with where it came from ({@code platform}, {@code offline}, …). */
    public Sale withSource(String value) {
        return new Sale(listingId, price, currency, soldAt, saleType, value, buyerId, buyerName, listerId, listerType,
                developmentId, listedOn, commissionRate, commissionAmount, notes);
    }

    /** This sale with the buyer's user id and name (either may be null). */
    public Sale withBuyer(String id, String name) {
        return new Sale(listingId, price, currency, soldAt, saleType, source, id, name, listerId, listerType,
                developmentId, listedOn, commissionRate, commissionAmount, notes);
    }

    /** This sale credited to a lister; null parts are taken from {@code listing_analytics}. */
    public Sale withLister(String id, String type) {
        return new Sale(listingId, price, currency, soldAt, saleType, source, buyerId, buyerName, id, type,
                developmentId, listedOn, commissionRate, commissionAmount, notes);
    }

    /** This sale attributed to a development; null takes the listing's from {@code listing_analytics}. */
    public Sale withDevelopmentId(String value) {
        return new Sale(listingId, price, currency, soldAt, saleType, source, buyerId, buyerName, listerId, listerType,
                value, listedOn, commissionRate, commissionAmount, notes);
    }

    /** This sale with the day the listing went on the market, for days-to-sale. */
    public Sale withListedOn(LocalDate value) {
        return new Sale(listingId, price, currency, soldAt, saleType, source, buyerId, buyerName, listerId, listerType,
                developmentId, value, commissionRate, commissionAmount, notes);
    }

    /** This sale with a commission rate in percent and/or amount; a null amount is computed from the rate. */
    public Sale withCommission(BigDecimal rate, BigDecimal amount) {
        return new Sale(listingId, price, currency, soldAt, saleType, source, buyerId, buyerName, listerId, listerType,
                developmentId, listedOn, rate, amount, notes);
    }

    /** This sale with free-text notes. */
    public Sale withNotes(String value) {
        return new Sale(listingId, price, currency, soldAt, saleType, source, buyerId, buyerName, listerId, listerType,
                developmentId, listedOn, commissionRate, commissionAmount, value);
    }
}
