-- The lead rows with their facts, run after the chunk's actions and per-day counts are stored, so each lead row is
-- written once (an insert, or an update of an existing lead) instead of inserted and then updated. status and notes
-- are the host's: they are not in this statement at all. total_actions is the sum of the per-day counters (which
-- count actions trimmed from Redis's capped list), never less than the stored actions; first/last action and the
-- last action's type come from the append-only lead_actions.
INSERT INTO leads AS t (listing_id, seeker_id, lister_id, lister_type, development_id, total_actions,
                        first_action_date, last_action_date, last_action_type)
SELECT l.listing_id, l.seeker_id, l.lister_id, l.lister_type, l.development_id, GREATEST(d.total, a.stored),
       a.first_at, a.last_at, a.last_type
FROM unnest(CAST(:listing AS text[]), CAST(:seeker AS text[]), CAST(:lister AS text[]), CAST(:lister_type AS text[]),
            CAST(:development AS text[])) AS l(listing_id, seeker_id, lister_id, lister_type, development_id)
CROSS JOIN LATERAL (
    SELECT COALESCE(sum(actions), 0) AS total
    FROM lead_action_days
    WHERE listing_id = l.listing_id AND seeker_id = l.seeker_id
) d
CROSS JOIN LATERAL (
    SELECT count(*) AS stored, min(at) AS first_at, max(at) AS last_at,
           (array_agg(type ORDER BY at DESC, uuid DESC))[1] AS last_type
    FROM lead_actions
    WHERE listing_id = l.listing_id AND seeker_id = l.seeker_id
) a
ON CONFLICT (listing_id, seeker_id) DO UPDATE SET
    lister_id         = COALESCE(EXCLUDED.lister_id, t.lister_id),
    lister_type       = COALESCE(EXCLUDED.lister_type, t.lister_type),
    development_id    = COALESCE(EXCLUDED.development_id, t.development_id),
    total_actions     = EXCLUDED.total_actions,
    first_action_date = EXCLUDED.first_action_date,
    last_action_date  = EXCLUDED.last_action_date,
    last_action_type  = EXCLUDED.last_action_type,
    updated_at        = now()
