-- Append-only: an action (event uuid) already stored is left alone, so re-runs add nothing twice and actions Redis
-- forgot stay.
INSERT INTO lead_actions (listing_id, seeker_id, uuid, type, at, context)
SELECT a.listing_id, a.seeker_id, a.uuid, a.type, CAST(a.at AS timestamptz), a.context
FROM unnest(CAST(:listing AS text[]), CAST(:seeker AS text[]), CAST(:uuid AS text[]), CAST(:type AS text[]),
            CAST(:at AS text[]), CAST(:context AS text[])) AS a(listing_id, seeker_id, uuid, type, at, context)
ON CONFLICT (listing_id, seeker_id, uuid) DO NOTHING
