-- Version 4 of the analytics schema: an index of each day's rows that hold sales, per rollup table. A day's sales
-- refresh (sales_*_refresh.sql, run after every aggregation of the day and every sale recorded) looks up the day's
-- rows with total_sales > 0, to reset those the ledger no longer backs; without an index that read every row of the
-- day (about 35 ms for 100,000 listing rows, on every run). Partial: only rows with sales are in it, a few, so the
-- aggregator's inserts of rows without sales do not touch it. IF NOT EXISTS keeps the file idempotent.

CREATE INDEX IF NOT EXISTS listing_analytics_sales_idx ON listing_analytics (date) WHERE total_sales > 0;
CREATE INDEX IF NOT EXISTS user_analytics_sales_idx ON user_analytics (date) WHERE total_sales > 0;
CREATE INDEX IF NOT EXISTS development_analytics_sales_idx ON development_analytics (date) WHERE total_sales > 0;
