package io.github.iskahomes.analytics.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisExtension.class)
class RedisExtensionTest {

    private final TestRedis fromConstructor;
    private TestRedis fromBeforeEach;

    RedisExtensionTest(TestRedis redis) {
        this.fromConstructor = redis;
    }

    @BeforeEach
    void setUp(TestRedis redis) {
        this.fromBeforeEach = redis;
    }

    @Test
    void answersPingSetAndGetOverPlainResp(TestRedis redis) throws IOException {
        try (Resp resp = new Resp(redis.host(), redis.port(), 2000)) {
            assertThat(resp.call("PING")).isEqualTo("PONG");
            assertThat(resp.call("SET", redis.keyPrefix() + "greeting", "hello")).isEqualTo("OK");
            assertThat(resp.call("GET", redis.keyPrefix() + "greeting")).isEqualTo("hello");
            assertThat(resp.call("INCRBY", redis.keyPrefix() + "n", "41")).isEqualTo(41L);
            assertThat(resp.call("INCR", redis.keyPrefix() + "n")).isEqualTo(42L);
        }
        assertThat(redis.uri()).isEqualTo("redis://" + redis.host() + ":" + redis.port());
        assertThat(redis.embedded()).isTrue();
    }

    @Test
    void constructorBeforeEachAndMethodShareOneHandlePerTest(TestRedis redis) {
        assertThat(fromConstructor).isSameAs(redis);
        assertThat(fromBeforeEach).isSameAs(redis);
        assertThat(redis.keyPrefix()).matches("t[a-z0-9]{6}-\\d+:");
    }

    @Test
    void eachTestHasItsOwnKeyPrefix(TestRedis redis) {
        assertThat(Seen.REDIS_PREFIXES.add(redis.keyPrefix())).isTrue();
        assertThat(redis.keyPrefix()).doesNotContain("{").doesNotContain("}");
    }

    @Test
    void eachTestHasItsOwnKeyPrefixToo(TestRedis redis) {
        assertThat(Seen.REDIS_PREFIXES.add(redis.keyPrefix())).isTrue();
    }

    @Test
    void stopAndStartKeepThePortAndTheData(TestRedis redis) throws IOException {
        int port = redis.port();
        try (Resp resp = new Resp(redis.host(), port, 2000)) {
            assertThat(resp.call("SET", redis.keyPrefix() + "kept", "yes")).isEqualTo("OK");
        }
        redis.stop();
        try {
            assertThat(Resp.pings(redis.host(), port)).isFalse();
            assertThatThrownBy(() -> new Resp(redis.host(), port, 1000).close()).isInstanceOf(ConnectException.class);
        } finally {
            redis.start();
        }
        assertThat(redis.port()).isEqualTo(port);
        try (Resp resp = new Resp(redis.host(), port, 2000)) {
            assertThat(resp.call("PING")).isEqualTo("PONG");
            assertThat(resp.call("GET", redis.keyPrefix() + "kept")).isEqualTo("yes");
        }
    }

    @Test
    void startWhileRunningDoesNothing(TestRedis redis) {
        redis.start();
        assertThat(Resp.pings(redis.host(), redis.port())).isTrue();
    }
}
