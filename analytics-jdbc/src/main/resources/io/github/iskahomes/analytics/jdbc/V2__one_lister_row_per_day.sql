-- Version 2 of the analytics schema: one user_analytics row per (user_id, date), carrying the lister's latest type.
-- Redis keeps one set of counters per user and day (the type is the day's metadata, last write wins), so version 1's
-- key (user_id, user_type, date) left a row under the old type beside the new one when a lister's events changed
-- type, and the day was counted twice. Every statement is idempotent, so a half-applied migration can run again.

-- Rows of one user and day that version 1 kept twice or more. Every row of a user and day is a snapshot of the same
-- Redis counters of that day (which only grow), so the one with the largest counters is the newest aggregation and
-- holds the full absolute counts: it stays. The others are moved here, not dropped, so nothing is lost silently.
CREATE TABLE IF NOT EXISTS user_analytics_v1_duplicates (LIKE user_analytics INCLUDING DEFAULTS);
ALTER TABLE user_analytics_v1_duplicates ADD COLUMN IF NOT EXISTS moved_at timestamptz NOT NULL DEFAULT now();

CREATE TEMPORARY TABLE IF NOT EXISTS analytics_v2_losers ON COMMIT DROP AS
SELECT user_id, user_type, date
FROM (
    SELECT user_id, user_type, date,
           row_number() OVER (PARTITION BY user_id, date
                              ORDER BY profile_views + total_listing_views + total_listing_leads + total_leads_generated
                                       + phone_leads_generated + message_leads_generated + email_leads_generated
                                       + appointment_leads_generated + listings_created + listings_deleted
                                       + unique_profile_viewers DESC,
                                       updated_at DESC, user_type) AS rank
    FROM user_analytics
) ranked
WHERE rank > 1;

INSERT INTO user_analytics_v1_duplicates
SELECT u.*
FROM user_analytics u
JOIN analytics_v2_losers l ON l.user_id = u.user_id AND l.user_type = u.user_type AND l.date = u.date;

DELETE FROM user_analytics u
USING analytics_v2_losers l
WHERE l.user_id = u.user_id AND l.user_type = u.user_type AND l.date = u.date;

-- The new key. Dropping and adding again is what makes a re-run of this file harmless.
ALTER TABLE user_analytics DROP CONSTRAINT IF EXISTS user_analytics_pkey;
ALTER TABLE user_analytics ADD CONSTRAINT user_analytics_pkey PRIMARY KEY (user_id, date);

-- Listers that ever had more than one type: their running total_listings, active_listings and sales columns were
-- split by type; recompute them per user, as the aggregator now does. The statements are written out here rather
-- than taken from the aggregator's SQL resources, which may change: a released migration must stay what it was.
CREATE TEMPORARY TABLE IF NOT EXISTS analytics_v2_retyped ON COMMIT DROP AS
SELECT user_id FROM user_analytics GROUP BY user_id HAVING count(DISTINCT user_type) > 1
UNION
SELECT DISTINCT user_id FROM user_analytics_v1_duplicates;

UPDATE user_analytics u
SET total_listings = r.running
FROM (
    SELECT user_id, date,
           sum(listings_created - listings_deleted) OVER (PARTITION BY user_id ORDER BY date) AS running
    FROM user_analytics
    WHERE user_id IN (SELECT user_id FROM analytics_v2_retyped)
) r
WHERE u.user_id = r.user_id AND u.date = r.date AND u.total_listings IS DISTINCT FROM r.running;

UPDATE user_analytics u
SET active_listings = c.n
FROM (
    SELECT lister_id, date, count(*) AS n
    FROM listing_analytics
    WHERE lister_id IN (SELECT user_id FROM analytics_v2_retyped)
    GROUP BY lister_id, date
) c
WHERE u.user_id = c.lister_id AND u.date = c.date AND u.active_listings IS DISTINCT FROM c.n;

UPDATE user_analytics u
SET total_sales        = s.total_sales,
    sold_listings      = s.sold_listings,
    total_revenue      = s.total_revenue,
    avg_sale_price     = CASE WHEN s.total_sales > 0 THEN round(s.total_revenue / s.total_sales, 2) ELSE 0 END,
    days_to_sale_sum   = s.days_sum,
    days_to_sale_count = s.days_count,
    avg_days_to_sale   = CASE WHEN s.days_count > 0 THEN round(s.days_sum::numeric / s.days_count, 2) ELSE 0 END,
    lead_to_sale_rate  = CASE WHEN u.total_leads_generated = 0 THEN 0
                              ELSE round(s.total_sales * 100.0 / u.total_leads_generated, 2) END
FROM (
    SELECT lister_id, sale_date,
           count(*)                   AS total_sales,
           count(DISTINCT listing_id) AS sold_listings,
           sum(sale_price)            AS total_revenue,
           COALESCE(sum(sale_date - listed_date), 0) AS days_sum,
           count(listed_date)         AS days_count
    FROM sales_listings
    WHERE lister_id IN (SELECT user_id FROM analytics_v2_retyped) AND lister_type IS NOT NULL
    GROUP BY lister_id, sale_date
) s
WHERE u.user_id = s.lister_id AND u.date = s.sale_date;
