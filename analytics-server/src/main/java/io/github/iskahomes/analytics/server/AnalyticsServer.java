package io.github.iskahomes.analytics.server;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The standalone analytics service, for hosts that do not run on the JVM (a Next.js app, any posthog-js page) and for
 * the demo: {@code java -jar analytics-server-exec.jar}. It serves what the Spring Boot starter gives a host app (the
 * ingest endpoint and PostHog's capture paths, the cron and read endpoints, health and Prometheus metrics) and the
 * dashboard at {@code /}, with its OpenAPI 3.1 document at {@code /openapi.json}.
 *
 * <p>Redis and PostgreSQL come from {@code ANALYTICS_REDIS_URL} and {@code ANALYTICS_JDBC_URL} (with
 * {@code ANALYTICS_JDBC_USER}, {@code ANALYTICS_JDBC_PASSWORD}); each that is not set is started embedded, for a
 * first look or a demo, and stopped with the server. It listens on {@code ANALYTICS_HOST}:{@code ANALYTICS_PORT}
 * (127.0.0.1:8080), shuts down gracefully on SIGTERM, and prints its real address, Redis URL and JDBC URL once it
 * listens. Every {@code analytics.*} property of the starter can be given as usual ({@code --analytics.…=},
 * environment variables, {@code application.properties}).
 */
@SpringBootApplication
public class AnalyticsServer {

    /** Starts the server; see the class comment for the environment it reads. */
    public static void main(String[] args) {
        run(System.getenv(), args);
    }

    /**
     * Starts the server on the given environment (the tests and {@code Main serve} of the examples pass their own);
     * the embedded stores it starts stop with it.
     */
    public static ConfigurableApplicationContext run(Map<String, String> environment, String... args) {
        BackingStores stores = BackingStores.start(environment);
        try {
            ConfigurableApplicationContext context = start(stores, args);
            context.addApplicationListener(event -> {
                if (event instanceof org.springframework.context.event.ContextClosedEvent) {
                    stores.close();
                }
            });
            context.getBeanFactory().registerSingleton("analyticsBackingStores", stores);
            return context;
        } catch (RuntimeException e) {
            stores.close();
            throw e;
        }
    }

    /**
     * Starts the server on stores the caller owns and closes (the demo and the examples' tests, which stop and restart
     * the embedded Redis and PostgreSQL under it). {@code args} are Spring Boot's, such as {@code --server.port=0}: they
     * win over {@code application.properties} and the environment.
     */
    public static ConfigurableApplicationContext start(BackingStores stores, String... args) {
        SpringApplication application = new SpringApplication(AnalyticsServer.class);
        application.setDefaultProperties(stores.properties());
        return application.run(args);
    }
}
