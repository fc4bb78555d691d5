package io.github.iskahomes.analytics.examples.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A listing site on Spring Boot with the analytics starter: everything analytics (ingestor, capture endpoints,
 * schema, schedule, read endpoints, batcher, health, metrics) comes from {@code application.properties}; the app
 * adds only its own page ({@link ListingController}) and its security ({@link ExampleSecurity}).
 */
@SpringBootApplication
public class ExampleApplication {

    /** Runs the app on {@code ANALYTICS_REDIS_URL} and {@code ANALYTICS_JDBC_URL}. */
    public static void main(String[] args) {
        SpringApplication.run(ExampleApplication.class, args);
    }
}
