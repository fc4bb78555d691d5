/**
 * The Spring MVC layer: the ingest and PostHog capture paths over {@code IngestHandler}, the cron endpoint, the read
 * endpoints and their JSON errors. Public so that a Boot app of its own (the standalone server) can mount them.
 */
package io.github.iskahomes.analytics.autoconfigure.web;
