-- total_actions, first/last action and last action type from the append-only tables. total_actions is the sum of
-- the per-day counters (which count actions trimmed from Redis's capped list), never less than the stored actions.
UPDATE leads l
SET total_actions     = GREATEST(d.total, a.stored),
    first_action_date = a.first_at,
    last_action_date  = a.last_at,
    last_action_type  = a.last_type,
    updated_at        = now()
FROM unnest(CAST(:listing AS text[]), CAST(:seeker AS text[])) AS k(listing_id, seeker_id)
CROSS JOIN LATERAL (
    SELECT COALESCE(sum(actions), 0) AS total
    FROM lead_action_days
    WHERE listing_id = k.listing_id AND seeker_id = k.seeker_id
) d
CROSS JOIN LATERAL (
    SELECT count(*) AS stored, min(at) AS first_at, max(at) AS last_at,
           (array_agg(type ORDER BY at DESC, uuid DESC))[1] AS last_type
    FROM lead_actions
    WHERE listing_id = k.listing_id AND seeker_id = k.seeker_id
) a
WHERE l.listing_id = k.listing_id AND l.seeker_id = k.seeker_id
