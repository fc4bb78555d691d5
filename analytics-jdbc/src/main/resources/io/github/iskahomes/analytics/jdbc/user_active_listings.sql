-- active_listings = the lister's listings with a listing_analytics row on the day (one lister row per day, whatever
-- type each listing names).
UPDATE user_analytics u
SET active_listings = c.n
FROM (
    SELECT lister_id, count(*) AS n
    FROM listing_analytics
    WHERE date = :date AND lister_id IS NOT NULL
    GROUP BY lister_id
) c
WHERE u.date = :date AND u.user_id = c.lister_id
  AND u.active_listings IS DISTINCT FROM c.n
