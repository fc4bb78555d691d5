package io.github.iskahomes.analytics.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.github.iskahomes.analytics.autoconfigure.health.AnalyticsHealthIndicator;
import io.github.iskahomes.analytics.autoconfigure.web.AdminAccess;
import io.github.iskahomes.analytics.autoconfigure.web.AggregationController;
import io.github.iskahomes.analytics.autoconfigure.web.AnalyticsReadController;
import io.github.iskahomes.analytics.autoconfigure.web.CaptureEndpoint;
import io.github.iskahomes.analytics.batcher.EventBatcher;
import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.EventType;
import io.github.iskahomes.analytics.micrometer.AggregatorMetrics;
import io.github.iskahomes.analytics.micrometer.BatcherMetrics;
import io.github.iskahomes.analytics.micrometer.IngestorMetrics;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.github.iskahomes.analytics.jdbc.Aggregator;
import io.github.iskahomes.analytics.jdbc.AnalyticsQueries;
import io.github.iskahomes.analytics.jdbc.Leads;
import io.github.iskahomes.analytics.jdbc.SalesLedger;
import io.github.iskahomes.analytics.jdbc.Schema;
import io.github.iskahomes.analytics.redis.AnalyticsReader;
import io.github.iskahomes.analytics.redis.IngestHandler;
import io.github.iskahomes.analytics.redis.Ingestor;
import io.github.iskahomes.analytics.redis.IngestorConfig;
import io.github.iskahomes.analytics.testing.PostgresExtension;
import io.github.iskahomes.analytics.testing.RedisExtension;
import io.github.iskahomes.analytics.testing.TestPostgres;
import io.github.iskahomes.analytics.testing.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.config.BeanDefinitionCustomizer;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.web.servlet.DispatcherServlet;

/** Each condition of the auto-configuration, on a real Redis and PostgreSQL. */
@ExtendWith({RedisExtension.class, PostgresExtension.class})
class AnalyticsAutoConfigurationTest {
    private static final AutoConfigurations ANALYTICS = AutoConfigurations.of(AnalyticsRedisAutoConfiguration.class,
            AnalyticsJdbcAutoConfiguration.class, AnalyticsBatcherAutoConfiguration.class,
            AnalyticsWebAutoConfiguration.class, AnalyticsHealthAutoConfiguration.class,
            AnalyticsMetricsAutoConfiguration.class);

    /**
     * A host bean whose lifecycle the host keeps: Spring would otherwise call its inferred close or shutdown method
     * with the context, and the test is whether the starter does.
     */
    private static final BeanDefinitionCustomizer HOST_OWNED = definition ->
            ((AbstractBeanDefinition) definition).setDestroyMethodName("");

    private static ApplicationContextRunner runner(TestRedis redis, TestPostgres postgres) {
        return new ApplicationContextRunner().withConfiguration(ANALYTICS)
                .withBean(DataSource.class, postgres::dataSource)
                .withPropertyValues("analytics.ingest.key-prefix=" + redis.keyPrefix());
    }

    private static ApplicationContextRunner withRedis(TestRedis redis, TestPostgres postgres) {
        return runner(redis, postgres).withPropertyValues("analytics.redis.url=" + redis.uri());
    }

    @Test
    void withoutARedisUrlOrClientThereIsNoIngestorNorAnythingThatNeedsRedis(TestRedis redis, TestPostgres postgres) {
        runner(redis, postgres).run(context -> {
            assertThat(context).hasNotFailed()
                    .doesNotHaveBean(Ingestor.class).doesNotHaveBean(Aggregator.class)
                    .doesNotHaveBean(AnalyticsQueries.class).doesNotHaveBean(EventBatcher.class)
                    .doesNotHaveBean(AnalyticsHealthIndicator.class).doesNotHaveBean(AggregationSchedule.class)
                    .hasSingleBean(SalesLedger.class).hasSingleBean(Leads.class).hasSingleBean(SchemaMigration.class);
            assertThat(Schema.currentVersion(Jdbi.create(postgres.dataSource()))).isEqualTo(Schema.LATEST_VERSION);
        });
    }

    @Test
    void aRedisUrlGivesTheWholePipelineAndItsOwnClientClosesWithTheContext(TestRedis redis, TestPostgres postgres) {
        Ingestor[] ingestor = new Ingestor[1];
        withRedis(redis, postgres).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(Ingestor.class).hasSingleBean(Aggregator.class)
                    .hasSingleBean(AnalyticsQueries.class).hasSingleBean(AnalyticsAggregation.class)
                    .hasSingleBean(AggregationSchedule.class).hasSingleBean(EventBatcher.class)
                    .hasSingleBean(AnalyticsHealthIndicator.class);
            ingestor[0] = context.getBean(Ingestor.class);
            assertThat(ingestor[0].config().keyPrefix()).isEqualTo(redis.keyPrefix());
            assertThat(context.getBean(AggregationSchedule.class).cron()).isEqualTo("0 0 * * * *");
            assertThat(context.getBean(AggregationSchedule.class).isRunning()).isTrue();
        });
        assertThatIllegalStateException().isThrownBy(() -> ingestor[0].ingest(List.of()))
                .withMessage("the Ingestor is closed");
    }

    @Test
    void aRedisClusterUrlOrFlagMakesAClusterUrl() {
        assertThat(AnalyticsRedisAutoConfiguration.clusterUrl("redis://a:1,b:2", true)).isEqualTo("redis-cluster://a:1,b:2");
        assertThat(AnalyticsRedisAutoConfiguration.clusterUrl("rediss://a:1", true)).isEqualTo("rediss-cluster://a:1");
        assertThat(AnalyticsRedisAutoConfiguration.clusterUrl("redis://a:1", false)).isEqualTo("redis://a:1");
        assertThat(AnalyticsRedisAutoConfiguration.clusterUrl("redis-cluster://a:1", true))
                .isEqualTo("redis-cluster://a:1");
    }

    @Test
    void theHostsRedisClientIsBorrowedAndLeftOpen(TestRedis redis, TestPostgres postgres) {
        RedisClient client = RedisClient.create();
        try {
            runner(redis, postgres).withBean(RedisClient.class, () -> client, HOST_OWNED)
                    .withBean(RedisURI.class, () -> RedisURI.create(redis.uri()))
                    .run(context -> {
                        assertThat(context).hasNotFailed().hasSingleBean(Ingestor.class);
                        assertThat(context.getBean(Ingestor.class).ingest(List.of()).ingested()).isZero();
                    });
            // The context is closed; the host's client is not.
            try (var connection = client.connect(RedisURI.create(redis.uri()))) {
                assertThat(connection.sync().ping()).isEqualTo("PONG");
            }
        } finally {
            client.shutdown();
        }
    }

    @Test
    void theHostsRedisClientWithoutAnAddressFailsTheStartWithASentence(TestRedis redis, TestPostgres postgres) {
        RedisClient client = RedisClient.create();
        try {
            runner(redis, postgres).withBean(RedisClient.class, () -> client).run(context ->
                    assertThat(context).getFailure().rootCause().hasMessage("the host's RedisClient bean is used for"
                            + " analytics, but nothing says which server it connects to: set analytics.redis.url or"
                            + " declare a RedisURI bean"));
        } finally {
            client.shutdown();
        }
    }

    @Test
    void hostBeansReplaceOurs(TestRedis redis, TestPostgres postgres) {
        try (Ingestor own = Ingestor.connect(redis.uri(), IngestorConfig.builder().keyPrefix(redis.keyPrefix())
                .build())) {
            Leads leads = Leads.create(postgres.dataSource());
            new WebApplicationContextRunner().withConfiguration(ANALYTICS)
                    .withBean(DataSource.class, postgres::dataSource)
                    .withPropertyValues("analytics.redis.url=" + redis.uri(), "analytics.web.admin-token=a-1")
                    .withBean("hostIngestor", Ingestor.class, () -> own, HOST_OWNED)
                    .withBean("hostLeads", Leads.class, () -> leads)
                    .withBean("hostHandler", IngestHandler.class, () -> new IngestHandler(own))
                    .run(context -> {
                        assertThat(context).hasNotFailed().hasSingleBean(Ingestor.class).hasSingleBean(Leads.class)
                                .hasSingleBean(IngestHandler.class).hasSingleBean(CaptureEndpoint.class);
                        assertThat(context.getBean(Ingestor.class)).isSameAs(own);
                        assertThat(context.getBean(Leads.class)).isSameAs(leads);
                        assertThat(context.getBean(IngestorConfig.class)).isNotSameAs(own.config());
                    });
            // A host's ingestor belongs to the host: the context's close left it open.
            assertThat(own.ingest(List.of()).ingested()).isZero();
        }
    }

    @Test
    void withoutActuatorThereIsNoHealthIndicatorAndTheRestStays(TestRedis redis, TestPostgres postgres) {
        withRedis(redis, postgres).withClassLoader(new FilteredClassLoader(HealthIndicator.class)).run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(AnalyticsHealthIndicator.class)
                        .hasSingleBean(Ingestor.class).hasSingleBean(Aggregator.class));
    }

    @Test
    void withMicrometerTheBindersAreTheListenersAndWithoutItThereAreNone(TestRedis redis, TestPostgres postgres) {
        withRedis(redis, postgres).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(IngestorMetrics.class)
                    .hasSingleBean(AggregatorMetrics.class).hasSingleBean(BatcherMetrics.class);
            // The ingestor tells the binder: an ingest call is counted in a registry bound to it.
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            context.getBean(IngestorMetrics.class).bindTo(registry);
            context.getBean(Ingestor.class).ingest(List.of(new Event("property_view", "seeker-1", Instant.now(),
                    UUID.randomUUID().toString(), Map.of("listing_id", "listing-" + UUID.randomUUID()))));
            assertThat(registry.get(IngestorMetrics.EVENTS).tag("outcome", "ingested").counter().count())
                    .isEqualTo(1);
        });
        withRedis(redis, postgres).withClassLoader(new FilteredClassLoader(MeterBinder.class)).run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(IngestorMetrics.class)
                        .doesNotHaveBean(AggregatorMetrics.class).doesNotHaveBean(BatcherMetrics.class)
                        .hasSingleBean(Ingestor.class).hasSingleBean(EventBatcher.class));
    }

    @Test
    void withTheScheduleOffTheAggregatorStaysAndNothingRunsOnItsOwn(TestRedis redis, TestPostgres postgres) {
        withRedis(redis, postgres).withPropertyValues("analytics.aggregation.schedule.enabled=false").run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(AggregationSchedule.class)
                    .hasSingleBean(AnalyticsAggregation.class).hasSingleBean(AnalyticsHealthIndicator.class);
            // Without a schedule on this instance, the age of the last run is not this instance's to report.
            assertThat(context.getBean(AnalyticsHealthIndicator.class).health().getDetails())
                    .containsOnlyKeys("redis", "postgresql");
        });
    }

    @Test
    void withMigrationOffTheSchemaIsLeftAlone(TestRedis redis, TestPostgres postgres) {
        runner(redis, postgres).withPropertyValues("analytics.schema.migrate=false").run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(SchemaMigration.class).hasSingleBean(Leads.class);
            assertThat(Schema.currentVersion(Jdbi.create(postgres.dataSource()))).isZero();
        });
    }

    @Test
    void inAServletAppTheEndpointsAreThereAndWithoutSpringMvcTheyAreNot(TestRedis redis, TestPostgres postgres) {
        WebApplicationContextRunner web = new WebApplicationContextRunner().withConfiguration(ANALYTICS)
                .withBean(DataSource.class, postgres::dataSource)
                .withPropertyValues("analytics.redis.url=" + redis.uri(), "analytics.web.admin-token=a-1");
        web.run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(CaptureEndpoint.class)
                    .hasSingleBean(AggregationController.class).hasSingleBean(AnalyticsReadController.class)
                    .hasSingleBean(AdminAccess.class);
            assertThat(context.getBean(CaptureEndpoint.class).paths()).containsExactlyInAnyOrder(
                    "/api/ingest/posthog", "/api/ingest/posthog/", "/batch", "/batch/", "/capture", "/capture/", "/e",
                    "/e/", "/i/v0/e", "/i/v0/e/", "/track", "/track/");
            assertThat(context.getBean(AdminAccess.class).adminToken()).isEqualTo("a-1");
        });
        web.withClassLoader(new FilteredClassLoader(DispatcherServlet.class)).run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(CaptureEndpoint.class)
                        .doesNotHaveBean(AggregationController.class).hasSingleBean(Ingestor.class));
        web.withPropertyValues("analytics.web.enabled=false").run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(CaptureEndpoint.class)
                        .doesNotHaveBean(IngestHandler.class).hasSingleBean(Ingestor.class));
    }

    @Test
    void anAdminTokenEqualToTheWebhookSecretFailsTheStart(TestRedis redis, TestPostgres postgres) {
        new WebApplicationContextRunner().withConfiguration(ANALYTICS)
                .withBean(DataSource.class, postgres::dataSource)
                .withPropertyValues("analytics.redis.url=" + redis.uri(), "analytics.web.admin-token=same",
                        "analytics.ingest.webhook-secret=same")
                .run(context -> assertThat(context).getFailure().rootCause().hasMessageStartingWith(
                        "the admin token must differ from the webhook secret"));
    }

    @Test
    void theBatcherDrainsIntoTheIngestorWhenTheContextCloses(TestRedis redis, TestPostgres postgres) {
        String listing = "listing-" + UUID.randomUUID();
        // Nothing would flush on its own within the test: only the close sends.
        withRedis(redis, postgres).withPropertyValues("analytics.batcher.flush-at=10000",
                "analytics.batcher.flush-interval=1h").run(context -> {
                    EventBatcher batcher = context.getBean(EventBatcher.class);
                    assertThat(batcher.stats()).containsOnlyKeys("ingestor");
                    for (int i = 0; i < 3; i++) {
                        batcher.track("property_view", "seeker-" + i, Map.of("listing_id", listing));
                    }
                });
        LocalDate today = Instant.now().atZone(ZoneOffset.UTC).toLocalDate();
        try (AnalyticsReader reader = AnalyticsReader.connect(redis.uri(), IngestorConfig.builder()
                .keyPrefix(redis.keyPrefix()).build())) {
            assertThat(reader.eventCounts(today)).containsEntry(EventType.PROPERTY_VIEW, 3L);
        }
    }

    @Test
    void aRemoteUrlOrAPostHogKeyChoosesTheBatchersSinks(TestRedis redis, TestPostgres postgres) {
        withRedis(redis, postgres).withPropertyValues("analytics.batcher.remote-url=http://127.0.0.1:9/api/ingest",
                "analytics.batcher.posthog-api-key=phc_test").run(context ->
                assertThat(context.getBean(EventBatcher.class).stats()).containsOnlyKeys("ingest", "posthog"));
        runner(redis, postgres).withPropertyValues("analytics.batcher.posthog-api-key=phc_test").run(context ->
                assertThat(context.getBean(EventBatcher.class).stats()).containsOnlyKeys("posthog"));
        withRedis(redis, postgres).withPropertyValues("analytics.batcher.enabled=false").run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(EventBatcher.class));
    }
}
