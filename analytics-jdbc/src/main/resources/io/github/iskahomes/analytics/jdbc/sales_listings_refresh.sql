-- Sales columns of listing_analytics for one day, from the ledger. Writes only sales-owned columns (and the
-- lister/development of a row the ledger creates), so counters and uniques of the day are never touched. Averages
-- and rates are the schema's analytics_average and analytics_rate (V3), their one definition.
WITH s AS (
    SELECT listing_id,
           max(lister_id)      AS lister_id,
           max(lister_type)    AS lister_type,
           max(development_id) AS development_id,
           count(*)            AS total_sales,
           sum(sale_price)     AS sales_value,
           COALESCE(sum(sale_date - listed_date), 0) AS days_sum,
           count(listed_date)  AS days_count
    FROM sales_listings
    WHERE sale_date = :date
    GROUP BY listing_id
), keys AS (
    SELECT listing_id FROM s
    UNION
    SELECT listing_id FROM listing_analytics WHERE date = :date AND total_sales > 0
)
INSERT INTO listing_analytics AS t (listing_id, date, week, month, quarter, year, lister_id, lister_type,
                                    development_id, total_sales, sales_value, avg_sale_price, days_to_sale_sum,
                                    days_to_sale_count, avg_days_to_sale)
SELECT k.listing_id, :date, :week, :month, :quarter, :year, s.lister_id, s.lister_type, s.development_id,
       COALESCE(s.total_sales, 0),
       COALESCE(s.sales_value, 0),
       analytics_average(s.sales_value, s.total_sales),
       COALESCE(s.days_sum, 0),
       COALESCE(s.days_count, 0),
       analytics_average(s.days_sum, s.days_count)
FROM keys k LEFT JOIN s ON s.listing_id = k.listing_id
ON CONFLICT (listing_id, date) DO UPDATE SET
    total_sales        = EXCLUDED.total_sales,
    sales_value        = EXCLUDED.sales_value,
    avg_sale_price     = EXCLUDED.avg_sale_price,
    days_to_sale_sum   = EXCLUDED.days_to_sale_sum,
    days_to_sale_count = EXCLUDED.days_to_sale_count,
    avg_days_to_sale   = EXCLUDED.avg_days_to_sale,
    lister_id          = COALESCE(t.lister_id, EXCLUDED.lister_id),
    lister_type        = COALESCE(t.lister_type, EXCLUDED.lister_type),
    development_id     = COALESCE(t.development_id, EXCLUDED.development_id),
    lead_to_sale_rate  = analytics_rate(EXCLUDED.total_sales, t.total_leads),
    updated_at         = now()
