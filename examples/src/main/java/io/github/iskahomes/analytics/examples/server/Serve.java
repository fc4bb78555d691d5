package io.github.iskahomes.analytics.examples.server;

import io.github.iskahomes.analytics.core.BusinessCalendar;
import io.github.iskahomes.analytics.examples.Flags;
import io.github.iskahomes.analytics.examples.Infrastructure;
import io.github.iskahomes.analytics.examples.Pipeline;
import io.github.iskahomes.analytics.redis.IngestorConfig;
import java.time.Duration;
import java.time.ZoneId;
import java.util.concurrent.CountDownLatch;

/**
 * {@code serve}: the ingest server, the cron endpoint and the read endpoints, kept running until Ctrl-C. Flags or
 * environment: {@code --port} / {@code ANALYTICS_PORT} (default 8080), {@code --secret} /
 * {@code ANALYTICS_WEBHOOK_SECRET}, {@code --zone} / {@code ANALYTICS_ZONE} (UTC), {@code --retention-days} /
 * {@code ANALYTICS_RETENTION_DAYS} (7); {@code ANALYTICS_REDIS_URL} and {@code ANALYTICS_JDBC_URL} for external
 * servers.
 */
public final class Serve {
    private Serve() {
    }

    /** Configuration of the ingestor from flags and environment. */
    public static IngestorConfig config(Flags flags) {
        IngestorConfig config = IngestorConfig.defaults()
                .withCalendar(new BusinessCalendar(ZoneId.of(flags.get("zone", "ANALYTICS_ZONE", "UTC"))))
                .withRetention(Duration.ofDays(flags.integer("retention-days", "ANALYTICS_RETENTION_DAYS", 7)));
        String secret = flags.get("secret", "ANALYTICS_WEBHOOK_SECRET", null);
        return secret == null ? config : config.withWebhookSecret(secret);
    }

    public static void run(Flags flags) throws Exception {
        int port = flags.integer("port", "ANALYTICS_PORT", 8080);
        IngestorConfig config = config(flags);
        Infrastructure infrastructure = Infrastructure.start();
        Pipeline pipeline;
        try {
            pipeline = Pipeline.start(infrastructure, config, port);
        } catch (Exception e) {
            infrastructure.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping…");
            pipeline.close();
            infrastructure.close();
            stopped.countDown();
        }, "analytics-serve-shutdown"));
        System.out.printf("""
                Serving on http://127.0.0.1:%d  (Ctrl-C stops)
                  POST /api/ingest/posthog        events {"events":[…]}%s
                  POST /batch/ /capture/ /e/ /i/v0/e/   PostHog SDK bodies
                  POST /api/cron/analytics        runs the aggregator
                  GET  /api/analytics/listings/{id}?from=2025-01-01&to=2025-01-31&grain=day|week|month|quarter|year
                  GET  /api/analytics/listers/{id}, /api/analytics/developments/{id}, /api/analytics/top-listings?by=views|leads|conversion
                Redis      %s   (redis-cli -u %s)
                PostgreSQL %s  (user %s)
                Zone %s, retention %d days
                """, pipeline.port(), config.webhookSecret() == null ? "" : "  (secret required)",
                infrastructure.redisUri(), infrastructure.redisUri(), infrastructure.jdbcUrl(),
                infrastructure.jdbcUser(), config.calendar().zone(), config.retention().toDays());
        stopped.await();
    }
}
