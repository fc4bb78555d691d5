package io.github.iskahomes.analytics.server;

import io.github.iskahomes.analytics.testing.TestPostgres;
import io.github.iskahomes.analytics.testing.TestRedis;
import java.util.function.Supplier;
import org.springframework.test.context.DynamicPropertyRegistry;

/** The server's Redis and PostgreSQL properties for a test's own {@link TestRedis} and {@link TestPostgres}. */
public final class BackingStoreProperties {

    private BackingStoreProperties() {
    }

    /**
     * Registers the Redis URL and key prefix and the JDBC URL, user and password; read lazily, when the context
     * starts, since the test's constructor receives the handles after the property source is declared.
     */
    public static void register(DynamicPropertyRegistry registry, Supplier<TestRedis> redis,
                                Supplier<TestPostgres> postgres) {
        registry.add("analytics.redis.url", () -> redis.get().uri());
        registry.add("analytics.ingest.key-prefix", () -> redis.get().keyPrefix());
        registry.add("spring.datasource.url", () -> postgres.get().jdbcUrl());
        registry.add("spring.datasource.username", () -> postgres.get().user());
        registry.add("spring.datasource.password", () -> postgres.get().password());
    }
}
