package io.github.iskahomes.analytics.testing;

/**
 * JUnit 5 extension that injects a {@link TestPostgres} (a real PostgreSQL) into test constructors, {@code @BeforeEach}
 * methods and test methods. The server starts once per JVM, on first use, and is stopped by a JVM shutdown hook;
 * each test gets its own isolation (see {@link TestPostgres}). Environment overrides are described in
 * {@code docs/analytics-testing.md}.
 *
 * <pre>{@code
 * @ExtendWith(PostgresExtension.class)
 * class MyTest {
 *     @Test
 *     void works(TestPostgres server) { ... }
 * }
 * }</pre>
 *
 * <p>Thread-safe; stateless apart from JUnit's store.
 */
public final class PostgresExtension extends ServerExtension<TestPostgres> {

    /** Called by JUnit. */
    public PostgresExtension() {
        super(TestPostgres.class, TestPostgres::create, TestPostgres::dispose);
    }
}
