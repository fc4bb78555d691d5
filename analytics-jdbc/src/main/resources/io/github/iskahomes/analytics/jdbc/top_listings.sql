-- Top listings over a date range. Rates are recomputed from the summed counters, never averaged, by the schema's
-- analytics_rate (V3), their one definition.
-- Sketches are aggregated only for the listings that made the cut. The lister marker narrows it to one lister's listings.
WITH ranked AS (
    SELECT listing_id,
           sum(total_views)  AS total_views,
           sum(total_leads)  AS total_leads,
           sum(unique_views) AS unique_views,
           analytics_rate(sum(total_leads), sum(total_views)) AS conversion_rate
    FROM listing_analytics
    WHERE date BETWEEN :from AND :to /*LISTER*/
    GROUP BY listing_id
    /*HAVING*/
    ORDER BY /*ORDER*/, listing_id
    LIMIT :limit
)
SELECT r.listing_id, r.total_views, r.total_leads, r.unique_views, r.conversion_rate,
       (SELECT array_agg(a.unique_views_hll) FILTER (WHERE a.unique_views_hll IS NOT NULL)
        FROM listing_analytics a
        WHERE a.listing_id = r.listing_id AND a.date BETWEEN :from AND :to) AS unique_views_hll
FROM ranked r
ORDER BY /*ORDER*/, r.listing_id
