/**
 * The vocabulary every other module shares: the {@link io.github.iskahomes.analytics.core.Event} and its
 * catalogue of {@link io.github.iskahomes.analytics.core.EventType}s, the closed sets the catalogue reads (lister
 * types, view sources, lead, impression and interaction kinds), the business calendar, the
 * entities (kind and id) and leads the analytics count, and the exception hierarchy rooted at
 * {@link io.github.iskahomes.analytics.core.AnalyticsException}.
 *
 * <p>Knows nothing of Redis, SQL or HTTP. Depends on Jackson and the SLF4J API only.
 */
package io.github.iskahomes.analytics.core;
