-- Sales columns of development_analytics for one day, from the ledger. Averages and rates are the schema's
-- analytics_average and analytics_rate (V3), their one definition.
WITH s AS (
    SELECT development_id,
           count(*)        AS total_sales,
           sum(sale_price) AS sales_value,
           COALESCE(sum(sale_date - listed_date), 0) AS days_sum,
           count(listed_date) AS days_count
    FROM sales_listings
    WHERE sale_date = :date AND development_id IS NOT NULL
    GROUP BY development_id
), keys AS (
    SELECT development_id FROM s
    UNION
    SELECT development_id FROM development_analytics WHERE date = :date AND total_sales > 0
)
INSERT INTO development_analytics AS t (development_id, date, week, month, quarter, year, total_sales, sales_value,
                                        avg_sale_price, days_to_sale_sum, days_to_sale_count, avg_days_to_sale)
SELECT k.development_id, :date, :week, :month, :quarter, :year,
       COALESCE(s.total_sales, 0),
       COALESCE(s.sales_value, 0),
       analytics_average(s.sales_value, s.total_sales),
       COALESCE(s.days_sum, 0),
       COALESCE(s.days_count, 0),
       analytics_average(s.days_sum, s.days_count)
FROM keys k LEFT JOIN s ON s.development_id = k.development_id
ON CONFLICT (development_id, date) DO UPDATE SET
    total_sales        = EXCLUDED.total_sales,
    sales_value        = EXCLUDED.sales_value,
    avg_sale_price     = EXCLUDED.avg_sale_price,
    days_to_sale_sum   = EXCLUDED.days_to_sale_sum,
    days_to_sale_count = EXCLUDED.days_to_sale_count,
    avg_days_to_sale   = EXCLUDED.avg_days_to_sale,
    lead_to_sale_rate  = analytics_rate(EXCLUDED.total_sales, t.total_leads),
    updated_at         = now()
