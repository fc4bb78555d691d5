package io.github.iskahomes.analytics.autoconfigure.health;

import io.github.iskahomes.analytics.autoconfigure.AnalyticsAggregation;
import io.github.iskahomes.analytics.redis.Ingestor;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The analytics pipeline's health ({@code /actuator/health}, component {@code analytics}): UP when Redis answers,
 * PostgreSQL answers and, where this instance schedules the aggregation, the last successful run is younger than
 * the threshold; DOWN otherwise, with a detail per part saying what failed. Each part it was not given (no ingestor,
 * no data source, no schedule) is left out. Redis is asked one pipelined {@code EXISTS} through the ingestor's own
 * connection, so a Redis the ingestor cannot reach is reported whatever else can reach it.
 */
public final class AnalyticsHealthIndicator implements HealthIndicator {
    private static final int VALIDATION_SECONDS = 2;

    private final Ingestor ingestor;
    private final DataSource dataSource;
    private final AnalyticsAggregation aggregation;
    private final Duration maxAggregationAge;
    private final Clock clock;

    /**
     * @param ingestor          whose Redis is checked, or null
     * @param dataSource        whose PostgreSQL is checked, or null
     * @param aggregation       whose last success is checked (only where this instance schedules it), or null
     * @param maxAggregationAge the oldest a last success may be
     * @param clock             the clock ages are measured on
     */
    public AnalyticsHealthIndicator(Ingestor ingestor, DataSource dataSource, AnalyticsAggregation aggregation,
                                    Duration maxAggregationAge, Clock clock) {
        this.ingestor = ingestor;
        this.dataSource = dataSource;
        this.aggregation = aggregation;
        this.maxAggregationAge = maxAggregationAge;
        this.clock = clock;
    }

    @Override
    public Health health() {
        Map<String, Object> details = new LinkedHashMap<>();
        boolean up = true;
        if (ingestor != null) {
            up &= check(details, "redis", this::redis);
        }
        if (dataSource != null) {
            up &= check(details, "postgresql", this::postgres);
        }
        if (aggregation != null) {
            up &= check(details, "aggregation", this::aggregation);
        }
        return (up ? Health.up() : Health.down()).withDetails(details).build();
    }

    private static boolean check(Map<String, Object> details, String part, Check check) {
        try {
            String problem = check.problem();
            details.put(part, problem == null ? "UP" : problem);
            return problem == null;
        } catch (RuntimeException | SQLException e) {
            details.put(part, "DOWN: " + e.getMessage());
            return false;
        }
    }

    private String redis() {
        ingestor.reader().hasData(ingestor.config().calendar().dayOf(clock.instant()));
        return null;
    }

    private String postgres() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(VALIDATION_SECONDS) ? null : "DOWN: the connection did not validate within "
                    + VALIDATION_SECONDS + " s";
        }
    }

    private String aggregation() {
        Instant now = clock.instant();
        Instant last = aggregation.lastSuccess().orElse(null);
        Duration age = Duration.between(last != null ? last : aggregation.started(), now);
        if (age.compareTo(maxAggregationAge) <= 0) {
            return null;
        }
        return last == null
                ? "DOWN: no successful aggregation since start-up " + age.toSeconds() + " s ago (threshold "
                        + maxAggregationAge.toSeconds() + " s)"
                : "DOWN: the last successful aggregation was " + age.toSeconds() + " s ago (threshold "
                        + maxAggregationAge.toSeconds() + " s)";
    }

    @FunctionalInterface
    private interface Check {
        String problem() throws SQLException;
    }
}
