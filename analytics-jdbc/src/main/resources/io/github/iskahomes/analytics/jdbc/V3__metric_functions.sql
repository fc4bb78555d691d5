-- Version 3 of the analytics schema: the one definition of every derived metric. Every statement of the library that
-- writes or reads a rate or an average (the aggregator's upserts, the sales refreshes, the dashboard queries) calls
-- these two functions, and Java computes none, so the formula cannot drift between two copies. Versions 1 and 2 wrote
-- their own expressions once, when they ran; they are released and stay as they were.
--
-- Both are numeric throughout (never float) and round half away from zero to 2 decimals, which is half-up for these
-- non-negative values: 1/3 -> 33.33, 2/3 -> 66.67, 1/8 -> 12.50, 1/800 -> 0.13. Both give 0.00 when there is nothing
-- to divide by (a zero or NULL denominator), and a NULL numerator counts as 0. IMMUTABLE and plain SQL, so PostgreSQL
-- inlines them into the calling statement. CREATE OR REPLACE keeps the file idempotent; a later version that changes
-- a formula replaces the function in a migration of its own.

-- numerator / denominator x 100: conversion_rate, lead_to_sale_rate, engagement_rate.
CREATE OR REPLACE FUNCTION analytics_rate(numerator numeric, denominator numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS 'SELECT round(CASE WHEN denominator IS NULL OR denominator = 0 THEN 0
                          ELSE COALESCE(numerator, 0) * 100 / denominator END, 2)';

-- total / count: avg_sale_price (sales value / sales), avg_days_to_sale (days to sale / sales with a listing date).
CREATE OR REPLACE FUNCTION analytics_average(total numeric, count numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS 'SELECT round(CASE WHEN count IS NULL OR count = 0 THEN 0
                          ELSE COALESCE(total, 0) / count END, 2)';
