package io.github.iskahomes.analytics.autoconfigure;

import io.github.iskahomes.analytics.autoconfigure.web.AdminAccess;
import io.github.iskahomes.analytics.autoconfigure.web.AggregationController;
import io.github.iskahomes.analytics.autoconfigure.web.AnalyticsExceptionHandler;
import io.github.iskahomes.analytics.autoconfigure.web.AnalyticsReadController;
import io.github.iskahomes.analytics.autoconfigure.web.CaptureEndpoint;
import io.github.iskahomes.analytics.jdbc.AnalyticsQueries;
import io.github.iskahomes.analytics.redis.IngestHandler;
import io.github.iskahomes.analytics.redis.IngestHandlerConfig;
import io.github.iskahomes.analytics.redis.Ingestor;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.DispatcherServlet;

/**
 * The HTTP side in a servlet web application with Spring MVC: the {@link IngestHandler} at the ingest and capture
 * paths ({@link CaptureEndpoint}), the cron endpoint ({@link AggregationController}) and the read endpoints
 * ({@link AnalyticsReadController}), guarded by {@link AdminAccess}: the host's Spring Security when it is on the
 * classpath (the starter adds no security of its own then), else the admin token. Off with
 * {@code analytics.web.enabled=false}.
 */
@AutoConfiguration(after = {AnalyticsRedisAutoConfiguration.class, AnalyticsJdbcAutoConfiguration.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({DispatcherServlet.class, IngestHandler.class})
@ConditionalOnProperty(prefix = "analytics.web", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(AnalyticsProperties.class)
public class AnalyticsWebAutoConfiguration {
    private static final Logger log = LoggerFactory.getLogger(AnalyticsWebAutoConfiguration.class);

    /** The HTTP settings of the ingest endpoint from {@code analytics.ingest.*}. */
    @Bean
    @ConditionalOnMissingBean
    public IngestHandlerConfig analyticsIngestHandlerConfig(AnalyticsProperties properties) {
        AnalyticsProperties.Ingest ingest = properties.getIngest();
        return IngestHandlerConfig.builder()
                .webhookSecret(ingest.getWebhookSecret())
                .maxBodyBytes(ingest.getMaxBodySize().toBytes())
                .retryAfter(ingest.getRetryAfter())
                .allowedOrigins(ingest.getAllowedOrigins())
                .corsMaxAge(ingest.getCorsMaxAge())
                .build();
    }

    /** The framework-neutral ingest handler. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(Ingestor.class)
    public IngestHandler analyticsIngestHandler(Ingestor ingestor, IngestHandlerConfig config) {
        return new IngestHandler(ingestor, config);
    }

    /** The ingest path and PostHog's capture paths. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(IngestHandler.class)
    public CaptureEndpoint analyticsCaptureEndpoint(IngestHandler handler, AnalyticsProperties properties) {
        List<String> paths = new ArrayList<>();
        paths.add(properties.getWeb().getIngestPath());
        paths.addAll(properties.getWeb().getCapturePaths());
        return new CaptureEndpoint(handler, paths);
    }

    /** The cron endpoint. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(AnalyticsAggregation.class)
    public AggregationController analyticsAggregationController(AnalyticsAggregation aggregation, AdminAccess access) {
        return new AggregationController(aggregation, access);
    }

    /** The read endpoints; "today" is the ingestor's business day. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean({AnalyticsQueries.class, Ingestor.class})
    public AnalyticsReadController analyticsReadController(AnalyticsQueries queries, Ingestor ingestor,
                                                           AdminAccess access) {
        return new AnalyticsReadController(queries, ingestor.config().calendar(), access, Clock.systemUTC());
    }

    /** The JSON errors of the cron and read endpoints. */
    @Bean
    @ConditionalOnMissingBean
    public AnalyticsExceptionHandler analyticsExceptionHandler(IngestHandlerConfig config) {
        return new AnalyticsExceptionHandler(config.retryAfter());
    }

    /** Without Spring Security: the admin token, generated (and logged once) when none is configured. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingClass("org.springframework.security.web.SecurityFilterChain")
    static class TokenAccess {
        @Bean
        @ConditionalOnMissingBean
        AdminAccess analyticsAdminAccess(AnalyticsProperties properties) {
            AdminAccess access = AdminAccess.token(properties.getWeb().getAdminToken(),
                    properties.getIngest().getWebhookSecret());
            if (access.generated()) {
                // As Jupyter does with its token: a fresh install is never open, and nobody invents a password.
                log.warn("No analytics.web.admin-token is set: the cron and read endpoints take this generated one"
                        + " until the next start: Authorization: Bearer {}", access.adminToken());
            }
            return access;
        }
    }

    /** With Spring Security: the host's filter chain guards the paths; nothing of our own. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.security.web.SecurityFilterChain")
    static class HostSecurity {
        @Bean
        @ConditionalOnMissingBean
        AdminAccess analyticsAdminAccess() {
            log.info("Spring Security is on the classpath: the analytics cron and read endpoints are guarded by the"
                    + " host's security configuration only (see docs/analytics-spring-boot.md for the paths)");
            return AdminAccess.hostSecurity();
        }
    }
}
