/** The example HTTP server of {@code Main serve}: ingest, PostHog capture paths, cron and read endpoints. */
package io.github.iskahomes.analytics.examples.server;
