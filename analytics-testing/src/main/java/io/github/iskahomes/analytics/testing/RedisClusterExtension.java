package io.github.iskahomes.analytics.testing;

/**
 * JUnit 5 extension that injects a {@link TestRedisCluster} (a real Redis Cluster of three masters) into test constructors, {@code @BeforeEach}
 * methods and test methods. The server starts once per JVM, on first use, and is stopped by a JVM shutdown hook;
 * each test gets its own isolation (see {@link TestRedisCluster}). Environment overrides are described in
 * {@code docs/analytics-testing.md}.
 *
 * <pre>{@code
 * @ExtendWith(RedisClusterExtension.class)
 * class MyTest {
 *     @Test
 *     void works(TestRedisCluster server) { ... }
 * }
 * }</pre>
 *
 * <p>Thread-safe; stateless apart from JUnit's store.
 */
public final class RedisClusterExtension extends ServerExtension<TestRedisCluster> {

    /** Called by JUnit. */
    public RedisClusterExtension() {
        super(TestRedisCluster.class, TestRedisCluster::create, c -> { });
    }
}
