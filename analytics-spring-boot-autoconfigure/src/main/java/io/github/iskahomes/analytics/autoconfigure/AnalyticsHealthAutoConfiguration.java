package io.github.iskahomes.analytics.autoconfigure;

import io.github.iskahomes.analytics.autoconfigure.health.AnalyticsHealthIndicator;
import io.github.iskahomes.analytics.redis.Ingestor;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@link AnalyticsHealthIndicator} when Boot's health support (Actuator) is on the classpath; switch it off with
 * {@code management.health.analytics.enabled=false}. The aggregation's age is part of it only where this instance
 * schedules the aggregation.
 */
@AutoConfiguration(after = {AnalyticsRedisAutoConfiguration.class, AnalyticsJdbcAutoConfiguration.class})
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(Ingestor.class)
@ConditionalOnEnabledHealthIndicator("analytics")
@EnableConfigurationProperties(AnalyticsProperties.class)
public class AnalyticsHealthAutoConfiguration {

    /** Redis, PostgreSQL and the last aggregation. */
    @Bean
    @ConditionalOnMissingBean(name = "analyticsHealthIndicator")
    public AnalyticsHealthIndicator analyticsHealthIndicator(Ingestor ingestor, ObjectProvider<DataSource> dataSource,
                                                             ObjectProvider<AnalyticsAggregation> aggregation,
                                                             ObjectProvider<AggregationSchedule> schedule,
                                                             AnalyticsProperties properties) {
        return new AnalyticsHealthIndicator(ingestor, dataSource.getIfUnique(),
                schedule.getIfAvailable() != null ? aggregation.getIfUnique() : null,
                properties.getHealth().getMaxAggregationAge(), Clock.systemUTC());
    }
}
