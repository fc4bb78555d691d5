package io.github.iskahomes.analytics.autoconfigure.dashboard;

import io.github.iskahomes.analytics.autoconfigure.AnalyticsJdbcAutoConfiguration;
import io.github.iskahomes.analytics.autoconfigure.AnalyticsRedisAutoConfiguration;
import io.github.iskahomes.analytics.autoconfigure.AnalyticsWebAutoConfiguration;
import io.github.iskahomes.analytics.autoconfigure.web.AdminAccess;
import io.github.iskahomes.analytics.autoconfigure.web.RequestValues;
import io.github.iskahomes.analytics.autoconfigure.web.UrlPaths;
import io.github.iskahomes.analytics.jdbc.AnalyticsQueries;
import io.github.iskahomes.analytics.jdbc.Leads;
import io.github.iskahomes.analytics.redis.Ingestor;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnResource;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.web.HttpRequestHandler;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.handler.SimpleUrlHandlerMapping;

/**
 * The lister dashboard in a servlet web application with Spring MVC: its endpoints ({@link DashboardController},
 * {@link LiveFeed}), who sees what ({@link CallerResolver}: the authenticated principal when Spring Security or the
 * container set one, else bearer tokens, the admin token or one of {@code analytics.dashboard.tokens}), and, when
 * {@code analytics-dashboard} is on the classpath, its pages at {@code analytics.dashboard.path}. Off with
 * {@code analytics.dashboard.enabled=false}.
 */
@AutoConfiguration(after = {AnalyticsRedisAutoConfiguration.class, AnalyticsJdbcAutoConfiguration.class,
        AnalyticsWebAutoConfiguration.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@ConditionalOnProperty(prefix = "analytics.dashboard", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(DashboardProperties.class)
public class DashboardAutoConfiguration {
    /** Where {@code analytics-dashboard} keeps its pages. */
    static final String PAGES = "classpath:/META-INF/resources/iska-analytics/";

    /** The caller of a request: the principal when there is one, else the bearer token. */
    @Bean
    @ConditionalOnMissingBean
    public CallerResolver analyticsDashboardCallers(DashboardProperties properties,
                                                    ObjectProvider<AdminAccess> access) {
        AdminAccess admin = access.getIfAvailable();
        return new PrincipalCallerResolver(properties.getAdminRole(),
                new TokenCallerResolver(admin == null ? null : admin.adminToken(), properties.listerTokens()));
    }

    /** Today's numbers from Redis, pushed to open pages. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnBean(Ingestor.class)
    public LiveFeed analyticsDashboardLiveFeed(Ingestor ingestor, DashboardProperties properties) {
        return new LiveFeed(ingestor.reader(), ingestor.config().calendar(), Clock.systemUTC(),
                properties.getLivePeriod(), properties.getLiveTimeout());
    }

    /**
     * Ends the live streams as soon as the context starts closing: an open stream is a request in flight, and the
     * web server's graceful shutdown would otherwise wait its whole timeout for every open dashboard page.
     */
    @Bean
    @ConditionalOnBean(LiveFeed.class)
    public ApplicationListener<ContextClosedEvent> analyticsDashboardLiveShutdown(LiveFeed live) {
        return event -> live.close();
    }

    /** The dashboard's JSON and Server-Sent Events endpoints. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean({AnalyticsQueries.class, Leads.class, Ingestor.class, LiveFeed.class})
    public DashboardController analyticsDashboardController(AnalyticsQueries queries, Leads leads,
                                                            CallerResolver callers, LiveFeed live, Ingestor ingestor) {
        return new DashboardController(queries, leads, callers, live, ingestor.config().calendar(), Clock.systemUTC());
    }

    /** The pages of {@code analytics-dashboard}, when it is on the classpath. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnResource(resources = PAGES + "index.html")
    static class Pages {
        @Bean
        WebMvcConfigurer analyticsDashboardPages(DashboardProperties properties) {
            String base = UrlPaths.directory(properties.getPath());
            return new WebMvcConfigurer() {
                @Override
                public void addResourceHandlers(ResourceHandlerRegistry registry) {
                    registry.addResourceHandler(base + "**").addResourceLocations(PAGES);
                }

                @Override
                public void addViewControllers(ViewControllerRegistry registry) {
                    if (!base.equals("/")) {
                        registry.addRedirectViewController(base.substring(0, base.length() - 1), base);
                    }
                    registry.addViewController(base).setViewName("forward:" + base + "index.html");
                }
            };
        }

        /** {@code config.js}: tells the pages where their endpoints are (the host may have moved them). */
        @Bean
        SimpleUrlHandlerMapping analyticsDashboardConfig(DashboardProperties properties) {
            String api = properties.getApiPath();
            HttpRequestHandler config = (request, response) -> {
                response.setContentType("text/javascript");
                response.setCharacterEncoding(StandardCharsets.UTF_8.name());
                response.setHeader("Cache-Control", "no-cache");
                response.getWriter().write("window.ISKA_ANALYTICS = {api: " + RequestValues.write(
                        request.getContextPath() + api) + "};\n");
            };
            // Before the resource handlers, which would serve the jar's default config.js.
            return new SimpleUrlHandlerMapping(Map.of(UrlPaths.directory(properties.getPath()) + "config.js", config),
                    -1);
        }
    }
}
