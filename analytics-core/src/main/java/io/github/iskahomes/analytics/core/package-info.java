/**
 * The vocabulary every other module shares: the {@link io.github.iskahomes.analytics.core.Event} and its
 * catalogue of {@link io.github.iskahomes.analytics.core.EventType}s, validation with a reason per rejected event,
 * the JSON codec of the ingest and PostHog body forms, the business calendar, the metric contract (what each event
 * counts) and the derived-metric formulas, and the exception hierarchy rooted at
 * {@link io.github.iskahomes.analytics.core.AnalyticsException}.
 *
 * <p>Knows nothing of Redis, SQL or HTTP. Depends on Jackson and the SLF4J API only.
 */
package io.github.iskahomes.analytics.core;
