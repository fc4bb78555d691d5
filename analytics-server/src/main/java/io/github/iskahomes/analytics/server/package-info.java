/**
 * The standalone analytics service: {@link io.github.iskahomes.analytics.server.AnalyticsServer} runs the Spring Boot
 * starter's endpoints and the dashboard at {@code /} on Redis and PostgreSQL from the environment, or embedded.
 */
package io.github.iskahomes.analytics.server;
