-- active_listings = the lister's listings with a listing_analytics row on the day.
UPDATE user_analytics u
SET active_listings = c.n
FROM (
    SELECT lister_id, lister_type, count(*) AS n
    FROM listing_analytics
    WHERE date = :date AND lister_id IS NOT NULL AND lister_type IS NOT NULL
    GROUP BY lister_id, lister_type
) c
WHERE u.date = :date AND u.user_id = c.lister_id AND u.user_type = c.lister_type
  AND u.active_listings IS DISTINCT FROM c.n
