package io.github.iskahomes.analytics.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two identical classes: whichever runs second must find the servers the first one started. */
@ExtendWith({RedisExtension.class, PostgresExtension.class})
class SharedServersFirstTest {

    @Test
    void usesTheOneRedisAndPostgresOfThisJvm(TestRedis redis, TestPostgres pg) {
        Seen.REDIS_PORTS.add(redis.port());
        Seen.POSTGRES_PORTS.add(SharedServers.postgres().port());
        assertThat(Seen.REDIS_PORTS).containsExactly(SharedServers.redis().port());
        assertThat(Seen.POSTGRES_PORTS).hasSize(1);
        assertThat(pg.jdbcUrl()).startsWith(SharedServers.postgres().jdbcUrl() + "?currentSchema=");
        assertThat(Seen.REDIS_PREFIXES.add(redis.keyPrefix())).isTrue();
        assertThat(Seen.SCHEMAS.add(pg.schema())).isTrue();
    }
}
