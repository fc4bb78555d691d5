-- Actions per lead and day: Redis's per-day counter is the truth while the day is retained.
INSERT INTO lead_action_days (listing_id, seeker_id, date, actions)
SELECT d.listing_id, d.seeker_id, :date, d.actions
FROM unnest(CAST(:listing AS text[]), CAST(:seeker AS text[]), CAST(:actions AS bigint[]))
     AS d(listing_id, seeker_id, actions)
ON CONFLICT (listing_id, seeker_id, date) DO UPDATE SET actions = EXCLUDED.actions
