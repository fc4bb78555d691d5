/**
 * JUnit 5 extensions that give a test a real Redis ({@link io.github.iskahomes.analytics.testing.RedisExtension}),
 * a real 3-master Redis Cluster ({@link io.github.iskahomes.analytics.testing.RedisClusterExtension}) and a real
 * PostgreSQL ({@link io.github.iskahomes.analytics.testing.PostgresExtension}): embedded servers started once per
 * test JVM, or external ones from {@code ANALYTICS_REDIS_URL}, {@code ANALYTICS_REDIS_CLUSTER_URL} and
 * {@code ANALYTICS_JDBC_URL}; each test isolated by its own key prefix or schema.
 */
package io.github.iskahomes.analytics.testing;
