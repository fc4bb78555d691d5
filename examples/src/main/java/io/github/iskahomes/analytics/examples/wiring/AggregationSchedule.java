package io.github.iskahomes.analytics.examples.wiring;

import io.github.iskahomes.analytics.jdbc.AggregationResult;
import io.github.iskahomes.analytics.jdbc.Aggregator;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seed's hourly cron, in-process: every app instance may schedule it; the aggregator's advisory lock lets one run
 * at a time and the others return "skipped" at once.
 */
public final class AggregationSchedule implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AggregationSchedule.class);
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    public AggregationSchedule(Aggregator aggregator) {
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                AggregationResult result = aggregator.run();
                log.info("aggregation: {}", result.toJson());
            } catch (RuntimeException e) {
                log.warn("aggregation failed; the next run completes the same days", e);
            }
        }, 1, 60, TimeUnit.MINUTES);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
