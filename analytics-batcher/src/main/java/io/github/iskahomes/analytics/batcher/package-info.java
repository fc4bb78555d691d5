/**
 * Tracking from the host app: {@link io.github.iskahomes.analytics.batcher.EventBatcher} queues events per sink
 * and flushes them at 200 events, every 3 seconds and on close, with retries for what can be retried; sinks send
 * over HTTP to an ingest endpoint, to an in-process ingestor, or to PostHog;
 * {@link io.github.iskahomes.analytics.batcher.Tracker} has one typed method per catalogued event.
 */
package io.github.iskahomes.analytics.batcher;
