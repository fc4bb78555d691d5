/**
 * The PostgreSQL side: {@link io.github.iskahomes.analytics.jdbc.Schema} migrations,
 * {@link io.github.iskahomes.analytics.jdbc.Aggregator} (Redis to daily rows, one locked transaction per run),
 * the {@link io.github.iskahomes.analytics.jdbc.SalesLedger}, the {@link io.github.iskahomes.analytics.jdbc.Leads}
 * inbox API and the dashboard reads of {@link io.github.iskahomes.analytics.jdbc.AnalyticsQueries}. Works through
 * the host's {@code DataSource} or Jdbi, which it never closes.
 */
package io.github.iskahomes.analytics.jdbc;
