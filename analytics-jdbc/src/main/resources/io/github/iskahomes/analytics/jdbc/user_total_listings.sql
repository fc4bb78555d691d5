-- total_listings as a running count of listings_created - listings_deleted, recomputed for every lister with a
-- row on the day from all its rows (so re-aggregating an earlier day corrects the later days too).
UPDATE user_analytics u
SET total_listings = r.running
FROM (
    SELECT user_id, date,
           sum(listings_created - listings_deleted) OVER (PARTITION BY user_id ORDER BY date) AS running
    FROM user_analytics
    WHERE user_id IN (SELECT user_id FROM user_analytics WHERE date = :date)
) r
WHERE u.user_id = r.user_id AND u.date = r.date AND u.date >= :date
  AND u.total_listings IS DISTINCT FROM r.running
