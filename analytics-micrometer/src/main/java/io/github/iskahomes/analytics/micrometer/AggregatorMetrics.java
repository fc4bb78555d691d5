package io.github.iskahomes.analytics.micrometer;

import io.github.iskahomes.analytics.jdbc.AggregationResult;
import io.github.iskahomes.analytics.jdbc.AggregatorListener;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@link io.github.iskahomes.analytics.jdbc.Aggregator}'s meters, and the listener that records them:
 * <pre>{@code
 * AggregatorMetrics metrics = new AggregatorMetrics();
 * metrics.bindTo(registry);
 * Aggregator aggregator = Aggregator.create(dataSource, ingestor.reader(),
 *         AggregatorConfig.defaults().withListener(metrics));
 * }</pre>
 *
 * <ul>
 *   <li>{@value #RUN} (timer): each run, by {@code outcome}: {@code success}; {@code partial} when it committed but
 *       some entity could not be written or some day was skipped (see {@value #ERRORS} and {@value #DAYS});
 *       {@code lock_held} when another run held the lock; {@code failed} when it threw (nothing committed);</li>
 *   <li>{@value #ROWS} (counter, rows): rows written, by {@code table} ({@code listings}, {@code users},
 *       {@code developments}, {@code leads});</li>
 *   <li>{@value #ERRORS} (counter, errors): entities (or lead actions) that could not be written, by {@code table};</li>
 *   <li>{@value #DAYS} (counter, days): days of committed runs by {@code state}: {@code written} or {@code skipped}
 *       (Redis no longer held them, or they expired while read: their rows were left as they were);</li>
 *   <li>{@value #STORE} (timer): the time committed runs spent in each {@code store}, {@code redis} or
 *       {@code postgres} (to tell which one is the bottleneck);</li>
 *   <li>{@value #LAST_SUCCESS} (gauge, seconds): the time since the last run that committed ({@code success} or
 *       {@code partial}), NaN before the first. A partial run counts: it wrote every day it did not skip, and a
 *       single entity that always fails must not make this age grow, and a health check alarm, while the rest is
 *       written; its errors are counted apart.</li>
 * </ul>
 * Meters are registered with zero counts when bound; only runs made while bound are recorded. Thread-safe; may be
 * bound to several registries.
 */
public final class AggregatorMetrics implements AggregatorListener, MeterBinder {
    /** Runs, timed, by outcome. */
    public static final String RUN = "analytics.aggregation.run";
    /** Rows written, by table. */
    public static final String ROWS = "analytics.aggregation.rows";
    /** Entities that could not be written, by table. */
    public static final String ERRORS = "analytics.aggregation.errors";
    /** Days written or skipped. */
    public static final String DAYS = "analytics.aggregation.days";
    /** Time spent per store. */
    public static final String STORE = "analytics.aggregation.store";
    /** Seconds since the last run that committed. */
    public static final String LAST_SUCCESS = "analytics.aggregation.last.success";

    private static final List<String> TABLES = List.of("listings", "users", "developments", "leads");
    private static final List<String> OUTCOMES = List.of("success", "partial", "lock_held", "failed");
    private static final String RUN_HELP = "Aggregation runs, from start to commit or failure";
    private static final String ROWS_HELP = "Rows the aggregation wrote";
    private static final String ERRORS_HELP = "Entities or lead actions the aggregation could not write";
    private static final String DAYS_HELP = "Days of committed aggregation runs, written or skipped";
    private static final String STORE_HELP = "Time committed aggregation runs spent in each store";
    private static final String LAST_SUCCESS_HELP = "Seconds since the last aggregation run that committed";

    private final Registries registries;
    private final Clock clock;
    private volatile Instant lastSuccess;

    /** Meters without tags of their own. */
    public AggregatorMetrics() {
        this(Tags.empty());
    }

    /** Meters that also carry {@code tags}. */
    public AggregatorMetrics(Iterable<Tag> tags) {
        this(tags, Clock.systemUTC());
    }

    /** For tests: the clock the age of the last success is measured with. */
    AggregatorMetrics(Iterable<Tag> tags, Clock clock) {
        this.registries = new Registries(tags);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        if (!registries.add(registry)) {
            return;
        }
        for (String outcome : OUTCOMES) {
            registries.timer(registry, RUN, RUN_HELP, registries.tags("outcome", outcome));
        }
        for (String table : TABLES) {
            registries.counter(registry, ROWS, ROWS_HELP, "rows", registries.tags("table", table));
            registries.counter(registry, ERRORS, ERRORS_HELP, "errors", registries.tags("table", table));
        }
        registries.counter(registry, DAYS, DAYS_HELP, "days", registries.tags("state", "written"));
        registries.counter(registry, DAYS, DAYS_HELP, "days", registries.tags("state", "skipped"));
        registries.timer(registry, STORE, STORE_HELP, registries.tags("store", "redis"));
        registries.timer(registry, STORE, STORE_HELP, registries.tags("store", "postgres"));
        Gauge.builder(LAST_SUCCESS, this, AggregatorMetrics::secondsSinceLastSuccess).description(LAST_SUCCESS_HELP)
                .baseUnit("seconds").tags(registries.tags()).strongReference(true).register(registry);
    }

    /** When the last run that committed finished, if one has since this object was made: for health checks. */
    public Optional<Instant> lastSuccess() {
        return Optional.ofNullable(lastSuccess);
    }

    private double secondsSinceLastSuccess() {
        Instant last = lastSuccess;
        return last == null ? Double.NaN : Duration.between(last, clock.instant()).toNanos() / 1e9;
    }

    @Override
    public void onRunFinished(AggregationResult result, Duration elapsed) {
        boolean partial = !result.skippedDays().isEmpty();
        for (var table : result.processed().entrySet()) {
            registries.count(ROWS, ROWS_HELP, "rows", registries.tags("table", table.getKey()),
                    table.getValue().inserted());
            registries.count(ERRORS, ERRORS_HELP, "errors", registries.tags("table", table.getKey()),
                    table.getValue().errors().size());
            partial |= !table.getValue().errors().isEmpty();
        }
        registries.count(DAYS, DAYS_HELP, "days", registries.tags("state", "written"), result.finalisedDays().size());
        registries.count(DAYS, DAYS_HELP, "days", registries.tags("state", "skipped"), result.skippedDays().size());
        registries.time(STORE, STORE_HELP, registries.tags("store", "redis"), result.timings().redis());
        registries.time(STORE, STORE_HELP, registries.tags("store", "postgres"), result.timings().postgres());
        registries.time(RUN, RUN_HELP, registries.tags("outcome", partial ? "partial" : "success"), elapsed);
        lastSuccess = clock.instant();
    }

    @Override
    public void onLockHeldElsewhere(Duration elapsed) {
        registries.time(RUN, RUN_HELP, registries.tags("outcome", "lock_held"), elapsed);
    }

    @Override
    public void onRunFailed(Exception e, Duration elapsed) {
        registries.time(RUN, RUN_HELP, registries.tags("outcome", "failed"), elapsed);
    }

    @Override
    public String toString() {
        return "AggregatorMetrics";
    }
}
