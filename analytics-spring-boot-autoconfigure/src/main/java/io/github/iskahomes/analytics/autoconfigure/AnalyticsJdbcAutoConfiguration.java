package io.github.iskahomes.analytics.autoconfigure;

import io.github.iskahomes.analytics.core.BusinessCalendar;
import io.github.iskahomes.analytics.jdbc.AggregatorConfig;
import io.github.iskahomes.analytics.jdbc.AggregatorListener;
import io.github.iskahomes.analytics.jdbc.Aggregator;
import io.github.iskahomes.analytics.jdbc.AnalyticsQueries;
import io.github.iskahomes.analytics.jdbc.Leads;
import io.github.iskahomes.analytics.jdbc.SalesLedger;
import io.github.iskahomes.analytics.redis.Ingestor;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The PostgreSQL side over the host's {@link DataSource}: {@link SchemaMigration} at start-up, the
 * {@link Aggregator} (with the {@link Ingestor}'s reader), its cron {@link AggregationSchedule}, and the
 * {@link SalesLedger}, {@link Leads} and {@link AnalyticsQueries} a host's own code and the read endpoints use.
 * Every bean that touches PostgreSQL is made after the migration.
 */
@AutoConfiguration(after = AnalyticsRedisAutoConfiguration.class,
        afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnClass({Aggregator.class, DataSource.class})
@ConditionalOnBean(DataSource.class)
@EnableConfigurationProperties(AnalyticsProperties.class)
public class AnalyticsJdbcAutoConfiguration {

    /** {@code Schema.migrate} at start-up, unless {@code analytics.schema.migrate=false}. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "analytics.schema", name = "migrate", matchIfMissing = true)
    public SchemaMigration analyticsSchemaMigration(DataSource dataSource) {
        return new SchemaMigration(dataSource);
    }

    /** The sales the host records; days in the ingestor's business zone. */
    @Bean
    @ConditionalOnMissingBean
    public SalesLedger analyticsSalesLedger(DataSource dataSource, ObjectProvider<Ingestor> ingestor,
                                            AnalyticsProperties properties,
                                            ObjectProvider<SchemaMigration> migration) {
        migration.ifAvailable(done -> { });
        return SalesLedger.create(dataSource, calendar(ingestor, properties));
    }

    /** The business calendar of the ingestor in use (the host's own, if it declared one), else of the properties. */
    private static BusinessCalendar calendar(ObjectProvider<Ingestor> ingestor, AnalyticsProperties properties) {
        Ingestor inUse = ingestor.getIfUnique();
        return inUse != null ? inUse.config().calendar() : new BusinessCalendar(properties.getIngest().getZone());
    }

    /** Lead status and notes, which belong to the host's users. */
    @Bean
    @ConditionalOnMissingBean
    public Leads analyticsLeads(DataSource dataSource, ObjectProvider<SchemaMigration> migration) {
        migration.ifAvailable(done -> { });
        return Leads.create(dataSource);
    }

    /** The aggregator's settings from {@code analytics.aggregation.*}, telling every {@link AggregatorListener} bean. */
    @Bean
    @ConditionalOnMissingBean
    public AggregatorConfig analyticsAggregatorConfig(AnalyticsProperties properties,
                                                      ObjectProvider<AggregatorListener> listeners) {
        return AggregatorConfig.defaults().withChunkSize(properties.getAggregation().getChunkSize())
                .withListener(AggregatorListener.composite(listeners.orderedStream()
                        .toArray(AggregatorListener[]::new)));
    }

    /** The aggregator, reading through the ingestor's reader. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(Ingestor.class)
    public Aggregator analyticsAggregator(DataSource dataSource, Ingestor ingestor, AggregatorConfig config,
                                          ObjectProvider<SchemaMigration> migration) {
        migration.ifAvailable(done -> { });
        return Aggregator.create(dataSource, ingestor.reader(), config);
    }

    /** Dashboard queries: counters summed, uniques unioned through Redis's PFCOUNT, rates recomputed. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(Ingestor.class)
    public AnalyticsQueries analyticsQueries(DataSource dataSource, Ingestor ingestor,
                                             ObjectProvider<SchemaMigration> migration) {
        migration.ifAvailable(done -> { });
        return AnalyticsQueries.create(dataSource, ingestor.reader()::unionCount);
    }

    /** Runs the aggregator for the schedule and the admin endpoint, and remembers the last success. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(Aggregator.class)
    public AnalyticsAggregation analyticsAggregation(Aggregator aggregator) {
        return new AnalyticsAggregation(aggregator, Clock.systemUTC());
    }

    /** The cron, unless {@code analytics.aggregation.schedule.enabled=false}. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(AnalyticsAggregation.class)
    @ConditionalOnProperty(prefix = "analytics.aggregation.schedule", name = "enabled", matchIfMissing = true)
    public AggregationSchedule analyticsAggregationSchedule(AnalyticsAggregation aggregation,
                                                            ObjectProvider<Ingestor> ingestor,
                                                            AnalyticsProperties properties) {
        return new AggregationSchedule(aggregation, properties.getAggregation().getSchedule().getCron(),
                calendar(ingestor, properties).zone());
    }
}
