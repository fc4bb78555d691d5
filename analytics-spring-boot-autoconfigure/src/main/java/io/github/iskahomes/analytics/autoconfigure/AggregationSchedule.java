package io.github.iskahomes.analytics.autoconfigure;

import java.time.ZoneId;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.scheduling.support.CronTrigger;

/**
 * Runs the aggregation on a cron through Spring's scheduling, on a thread of its own ({@code analytics-aggregation}),
 * so a long run never delays the host's scheduled tasks, and without asking the host for {@code @EnableScheduling}.
 * Starts with the context and stops with it (a run in progress is interrupted at shutdown; the next run completes the
 * same days). A failed run is logged and the next one runs as planned.
 */
public final class AggregationSchedule implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(AggregationSchedule.class);

    private final AnalyticsAggregation aggregation;
    private final CronTrigger trigger;
    private final ZoneId zone;
    private ThreadPoolTaskScheduler scheduler;
    private ScheduledFuture<?> future;

    /**
     * @throws IllegalArgumentException if {@code cron} is not a Spring cron expression
     */
    public AggregationSchedule(AnalyticsAggregation aggregation, String cron, ZoneId zone) {
        this.aggregation = Objects.requireNonNull(aggregation, "aggregation");
        this.zone = Objects.requireNonNull(zone, "zone");
        this.trigger = new CronTrigger(cron, zone);
    }

    /** The cron expression it runs on. */
    public String cron() {
        return trigger.getExpression();
    }

    @Override
    public synchronized void start() {
        if (scheduler != null) {
            return;
        }
        scheduler = new ThreadPoolTaskScheduler();
        scheduler.setPoolSize(1);
        scheduler.setThreadNamePrefix("analytics-aggregation-");
        scheduler.setDaemon(true);
        scheduler.initialize();
        future = scheduler.schedule(this::runOnce, trigger);
        log.info("Aggregation scheduled: cron \"{}\" in {}", trigger.getExpression(), zone);
    }

    private void runOnce() {
        try {
            log.info("Scheduled aggregation: {}", aggregation.run().toJson());
        } catch (RuntimeException e) {
            log.warn("Scheduled aggregation failed; the next run completes the same days: {}", e.toString());
        }
    }

    @Override
    public synchronized void stop() {
        if (scheduler == null) {
            return;
        }
        if (future != null) {
            future.cancel(false);
        }
        scheduler.shutdown();
        scheduler = null;
        future = null;
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }
}
