package io.github.iskahomes.analytics.examples.server;

import io.github.iskahomes.analytics.redis.IngestHandlerConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link AnalyticsServer} listens. Immutable; start from {@link #defaults()} and change values with the
 * {@code with…} copies.
 *
 * @param host           the address to bind (default {@code 127.0.0.1}: only this machine; {@code 0.0.0.0} for every
 *                       interface)
 * @param port           the port (default 8080; 0 picks a free one)
 * @param adminToken     the credential of the cron and read endpoints ({@code Authorization: Bearer <token>}), or
 *                       {@code null} to generate a random one at start-up (printed once by {@code serve})
 * @param readTimeout    the longest a client may take to send a request's headers and body (default 30 s); a
 *                       connection still sending after that is closed
 * @param maxConnections the most requests handled at once (default 64); more are refused at once, never queued
 *                       behind slow ones
 * @param maxUploads     how many of those may be reading an ingest body at once (default 32); the others are
 *                       answered 503 with {@code Retry-After}, so slow uploads can never take every thread
 * @param capture        the HTTP settings of the capture paths: webhook secret, body limit, {@code Retry-After}, CORS
 *                       origins (default {@link IngestHandlerConfig#defaults()}: no secret, any origin)
 */
public record ServerSettings(String host, int port, String adminToken, Duration readTimeout, int maxConnections,
                             int maxUploads, IngestHandlerConfig capture) {
    public static final String DEFAULT_HOST = "127.0.0.1";

    public ServerSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(readTimeout, "readTimeout");
        Objects.requireNonNull(capture, "capture");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 to 65535, was " + port);
        }
        if (readTimeout.isNegative() || readTimeout.isZero()) {
            throw new IllegalArgumentException("readTimeout must be positive, was " + readTimeout);
        }
        if (maxConnections < 2) {
            throw new IllegalArgumentException("maxConnections must be at least 2, was " + maxConnections);
        }
        if (maxUploads < 1 || maxUploads >= maxConnections) {
            throw new IllegalArgumentException("maxUploads must be at least 1 and below maxConnections ("
                    + maxConnections + "), so that other requests always have a thread; was " + maxUploads);
        }
        if (adminToken != null && adminToken.isBlank()) {
            adminToken = null;
        }
    }

    /** 127.0.0.1:8080, a generated admin token, 30 s to send a request, 64 connections, 32 uploads, no webhook
     * secret, any origin. */
    public static ServerSettings defaults() {
        return new ServerSettings(DEFAULT_HOST, 8080, null, Duration.ofSeconds(30), 64, 32,
                IngestHandlerConfig.defaults());
    }

    /** A copy with another {@code host}. */
    public ServerSettings withHost(String value) {
        return new ServerSettings(value, port, adminToken, readTimeout, maxConnections, maxUploads, capture);
    }

    /** A copy with another {@code port}. */
    public ServerSettings withPort(int value) {
        return new ServerSettings(host, value, adminToken, readTimeout, maxConnections, maxUploads, capture);
    }

    /** A copy with another {@code adminToken} ({@code null} generates one). */
    public ServerSettings withAdminToken(String value) {
        return new ServerSettings(host, port, value, readTimeout, maxConnections, maxUploads, capture);
    }

    /** A copy with another {@code readTimeout}. */
    public ServerSettings withReadTimeout(Duration value) {
        return new ServerSettings(host, port, adminToken, value, maxConnections, maxUploads, capture);
    }

    /** A copy with other connection limits. */
    public ServerSettings withLimits(int connections, int uploads) {
        return new ServerSettings(host, port, adminToken, readTimeout, connections, uploads, capture);
    }

    /** A copy with other capture settings. */
    public ServerSettings withCapture(IngestHandlerConfig value) {
        return new ServerSettings(host, port, adminToken, readTimeout, maxConnections, maxUploads, value);
    }

    /** A copy whose capture paths require this webhook secret ({@code null} for none). */
    public ServerSettings withWebhookSecret(String value) {
        return withCapture(capture.toBuilder().webhookSecret(value).build());
    }

    /** A copy whose capture paths answer CORS for these origins. */
    public ServerSettings withAllowedOrigins(String... values) {
        return withCapture(capture.toBuilder().allowedOrigins(values).build());
    }

    /** Hides the token. */
    @Override
    public String toString() {
        return "ServerSettings[host=" + host + ", port=" + port + ", adminToken=" + (adminToken == null ? "generated"
                : "***") + ", readTimeout=" + readTimeout + ", maxConnections=" + maxConnections + ", maxUploads="
                + maxUploads + ", capture=" + capture + "]";
    }
}
