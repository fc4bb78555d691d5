-- The lead rows. status and notes are the host's: they are not in this statement at all.
INSERT INTO leads AS t (listing_id, seeker_id, lister_id, lister_type, development_id)
SELECT l.listing_id, l.seeker_id, l.lister_id, l.lister_type, l.development_id
FROM unnest(CAST(:listing AS text[]), CAST(:seeker AS text[]), CAST(:lister AS text[]), CAST(:lister_type AS text[]),
            CAST(:development AS text[])) AS l(listing_id, seeker_id, lister_id, lister_type, development_id)
ON CONFLICT (listing_id, seeker_id) DO UPDATE SET
    lister_id      = COALESCE(EXCLUDED.lister_id, t.lister_id),
    lister_type    = COALESCE(EXCLUDED.lister_type, t.lister_type),
    development_id = COALESCE(EXCLUDED.development_id, t.development_id),
    updated_at     = now()
