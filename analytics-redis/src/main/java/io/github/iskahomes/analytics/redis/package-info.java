/**
 * Ingest into Redis: {@link io.github.iskahomes.analytics.redis.Ingestor} validates, deduplicates by uuid and
 * maps events into day-scoped Redis keys (standalone or Cluster, through Lettuce);
 * {@link io.github.iskahomes.analytics.redis.IngestHandler} turns an HTTP request of any servlet stack into an
 * ingest call and an answer; {@link io.github.iskahomes.analytics.redis.AnalyticsReader} reads what was ingested
 * back for the aggregator and for live numbers.
 */
package io.github.iskahomes.analytics.redis;
