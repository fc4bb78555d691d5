-- Sales columns of user_analytics (the lister credited with each sale) for one day, from the ledger. One row per
-- lister and day, whatever type each sale recorded; a row the ledger creates takes the type of the day's latest sale,
-- and the aggregator's type (Redis's, the latest of the day's events) is never overwritten here. Averages and rates
-- are the schema's analytics_average and analytics_rate (V3), their one definition.
WITH s AS (
    SELECT lister_id,
           (array_agg(lister_type ORDER BY sale_timestamp DESC, id DESC))[1] AS lister_type,
           count(*)                   AS total_sales,
           count(DISTINCT listing_id) AS sold_listings,
           sum(sale_price)            AS total_revenue,
           COALESCE(sum(sale_date - listed_date), 0) AS days_sum,
           count(listed_date)         AS days_count
    FROM sales_listings
    WHERE sale_date = :date AND lister_id IS NOT NULL AND lister_type IS NOT NULL
    GROUP BY lister_id
), keys AS (
    SELECT lister_id AS user_id FROM s
    UNION
    SELECT user_id FROM user_analytics WHERE date = :date AND total_sales > 0
)
INSERT INTO user_analytics AS t (user_id, user_type, date, week, month, quarter, year, total_sales, sold_listings,
                                 total_revenue, avg_sale_price, days_to_sale_sum, days_to_sale_count,
                                 avg_days_to_sale)
SELECT k.user_id, COALESCE(u.user_type, s.lister_type), :date, :week, :month, :quarter, :year,
       COALESCE(s.total_sales, 0),
       COALESCE(s.sold_listings, 0),
       COALESCE(s.total_revenue, 0),
       analytics_average(s.total_revenue, s.total_sales),
       COALESCE(s.days_sum, 0),
       COALESCE(s.days_count, 0),
       analytics_average(s.days_sum, s.days_count)
FROM keys k
LEFT JOIN s ON s.lister_id = k.user_id
LEFT JOIN user_analytics u ON u.user_id = k.user_id AND u.date = :date
ON CONFLICT (user_id, date) DO UPDATE SET
    total_sales        = EXCLUDED.total_sales,
    sold_listings      = EXCLUDED.sold_listings,
    total_revenue      = EXCLUDED.total_revenue,
    avg_sale_price     = EXCLUDED.avg_sale_price,
    days_to_sale_sum   = EXCLUDED.days_to_sale_sum,
    days_to_sale_count = EXCLUDED.days_to_sale_count,
    avg_days_to_sale   = EXCLUDED.avg_days_to_sale,
    lead_to_sale_rate  = analytics_rate(EXCLUDED.total_sales, t.total_leads_generated),
    updated_at         = now()
