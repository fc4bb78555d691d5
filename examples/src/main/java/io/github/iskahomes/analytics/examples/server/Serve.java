package io.github.iskahomes.analytics.examples.server;

import io.github.iskahomes.analytics.examples.Flags;
import io.github.iskahomes.analytics.examples.Infrastructure;
import io.github.iskahomes.analytics.examples.Pipeline;
import io.github.iskahomes.analytics.redis.IngestorConfig;
import java.io.PrintStream;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * {@code serve}: the ingest server, the cron endpoint and the read endpoints, kept running until Ctrl-C. Flags or
 * environment: {@code --port} / {@code ANALYTICS_PORT} (default 8080), {@code --host} / {@code ANALYTICS_HOST}
 * (127.0.0.1; {@code 0.0.0.0} for every interface), {@code --secret} / {@code ANALYTICS_WEBHOOK_SECRET},
 * {@code --admin-token} / {@code ANALYTICS_ADMIN_TOKEN} (generated and printed when absent),
 * {@code --cors-origins} / {@code ANALYTICS_CORS_ORIGINS} (comma-separated, default any),
 * {@code --read-timeout-seconds} / {@code ANALYTICS_READ_TIMEOUT_SECONDS} (30), {@code --zone} /
 * {@code ANALYTICS_ZONE} (UTC), {@code --retention-days} / {@code ANALYTICS_RETENTION_DAYS} (7);
 * {@code ANALYTICS_REDIS_URL} and {@code ANALYTICS_JDBC_URL} for external servers.
 */
public final class Serve {
    private Serve() {
    }

    /** Configuration of the ingestor from flags and environment. */
    public static IngestorConfig config(Flags flags) {
        return IngestorConfig.builder()
                .zone(ZoneId.of(flags.get("zone", "ANALYTICS_ZONE", "UTC")))
                .retention(Duration.ofDays(flags.integer("retention-days", "ANALYTICS_RETENTION_DAYS", 7)))
                .build();
    }

    /** How the server listens, from flags and environment. */
    public static ServerSettings settings(Flags flags) {
        ServerSettings defaults = ServerSettings.defaults();
        String origins = flags.get("cors-origins", "ANALYTICS_CORS_ORIGINS", String.join(",",
                defaults.capture().allowedOrigins()));
        return defaults.withHost(flags.get("host", "ANALYTICS_HOST", defaults.host()))
                .withPort(flags.integer("port", "ANALYTICS_PORT", defaults.port()))
                .withAdminToken(flags.get("admin-token", "ANALYTICS_ADMIN_TOKEN", null))
                .withWebhookSecret(flags.get("secret", "ANALYTICS_WEBHOOK_SECRET", null))
                .withReadTimeout(Duration.ofSeconds(flags.integer("read-timeout-seconds",
                        "ANALYTICS_READ_TIMEOUT_SECONDS", (int) defaults.readTimeout().toSeconds())))
                .withAllowedOrigins(Arrays.stream(origins.split(",")).map(String::trim).filter(o -> !o.isEmpty())
                        .toArray(String[]::new));
    }

    /** What {@link #start} started; closing stops the server, then the embedded Redis and PostgreSQL. */
    public record Running(Infrastructure infrastructure, Pipeline pipeline) implements AutoCloseable {
        @Override
        public void close() {
            pipeline.close();
            infrastructure.close();
        }
    }

    /** Starts everything and prints where it listens (the address it really bound), Redis and PostgreSQL. */
    public static Running start(Flags flags, PrintStream out) throws Exception {
        IngestorConfig config = config(flags);
        ServerSettings settings = settings(flags);
        Infrastructure infrastructure = Infrastructure.start();
        Pipeline pipeline;
        try {
            pipeline = Pipeline.start(infrastructure, config, settings);
        } catch (Exception e) {
            infrastructure.close();
            throw e;
        }
        AnalyticsServer server = pipeline.server();
        boolean everywhere = server.address().getAddress().isAnyLocalAddress();
        out.printf("""
                Serving on %s%s  (Ctrl-C stops)
                  POST /api/ingest/posthog        events {"events":[…]}%s
                  POST /batch/ /capture/ /e/ /i/v0/e/   PostHog SDK bodies (CORS: %s)
                  POST /api/cron/analytics        runs the aggregator
                  GET  /api/analytics/listings/{id}?from=2025-01-01&to=2025-01-31&grain=day|week|month|quarter|year
                  GET  /api/analytics/listers/{id}, /api/analytics/developments/{id}, /api/analytics/top-listings?by=views|leads|conversion
                  (cron and /api/analytics/… need "Authorization: Bearer <admin token>")
                %s
                Redis      %s   (redis-cli -u %s)
                PostgreSQL %s  (user %s)
                Zone %s, retention %d days
                """, server.url(), everywhere ? " (every interface)" : "",
                settings.capture().webhookSecret() == null ? "" : "  (secret required)",
                String.join(", ", settings.capture().allowedOrigins()),
                server.adminTokenGenerated()
                        ? "Admin token (generated for this run; set ANALYTICS_ADMIN_TOKEN to choose one): "
                        + server.adminToken() + "\n  curl -H 'Authorization: Bearer " + server.adminToken() + "' "
                        + server.localUrl() + "/api/analytics/top-listings"
                        : "Admin token: the configured one (Authorization: Bearer <token>)",
                infrastructure.redisUri(), infrastructure.redisUri(), infrastructure.jdbcUrl(),
                infrastructure.jdbcUser(), config.calendar().zone(), config.retention().toDays());
        out.flush();
        return new Running(infrastructure, pipeline);
    }

    public static void run(Flags flags) throws Exception {
        Running running = start(flags, System.out);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping…");
            running.close();
            stopped.countDown();
        }, "analytics-serve-shutdown"));
        stopped.await();
    }
}
