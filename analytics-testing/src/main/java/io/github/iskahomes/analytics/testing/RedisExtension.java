package io.github.iskahomes.analytics.testing;

/**
 * JUnit 5 extension that injects a {@link TestRedis} (a real standalone Redis) into test constructors, {@code @BeforeEach}
 * methods and test methods. The server starts once per JVM, on first use, and is stopped by a JVM shutdown hook;
 * each test gets its own isolation (see {@link TestRedis}). Environment overrides are described in
 * {@code docs/analytics-testing.md}.
 *
 * <pre>{@code
 * @ExtendWith(RedisExtension.class)
 * class MyTest {
 *     @Test
 *     void works(TestRedis server) { ... }
 * }
 * }</pre>
 *
 * <p>Thread-safe; stateless apart from JUnit's store.
 */
public final class RedisExtension extends ServerExtension<TestRedis> {

    /** Called by JUnit. */
    public RedisExtension() {
        super(TestRedis.class, TestRedis::create, TestRedis::dispose);
    }
}
