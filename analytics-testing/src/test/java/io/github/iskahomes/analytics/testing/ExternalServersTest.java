package io.github.iskahomes.analytics.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/**
 * The override path: the ANALYTICS_* settings (read from system properties as well as the environment) point at
 * servers started here, standing in for external ones.
 */
class ExternalServersTest {

    @Test
    void redisUrlOverrideIsUsedAndCannotBeStopped() throws IOException {
        try (EmbeddedRedisServer server = EmbeddedRedisServer.start()) {
            System.setProperty(Env.REDIS_URL, server.uri());
            TestRedis redis;
            try {
                redis = TestRedis.create();
            } finally {
                System.clearProperty(Env.REDIS_URL);
            }
            assertThat(redis.embedded()).isFalse();
            assertThat(redis.uri()).isEqualTo(server.uri());
            assertThat(redis.host()).isEqualTo("127.0.0.1");
            assertThat(redis.port()).isEqualTo(server.port());
            try (Resp resp = new Resp(redis.host(), redis.port(), 2000)) {
                assertThat(resp.call("SET", redis.keyPrefix() + "x", "1")).isEqualTo("OK");
            }
            assertThatThrownBy(redis::stop).isInstanceOf(TestAbortedException.class)
                    .hasMessage("cannot stop the external Redis at " + server.uri()
                            + " (set by ANALYTICS_REDIS_URL); this test needs the embedded server");
        }
    }

    @Test
    void embeddedRedisServerCloseIsIdempotentAndFreesThePort() {
        EmbeddedRedisServer server = EmbeddedRedisServer.start();
        int port = server.port();
        assertThat(Resp.pings("127.0.0.1", port)).isTrue();
        server.close();
        server.close();
        assertThat(Resp.pings("127.0.0.1", port)).isFalse();
        assertThatThrownBy(server::restart).isInstanceOf(IllegalStateException.class)
                .hasMessage("the embedded Redis on port " + port + " is closed");
    }

    @Test
    void jdbcUrlOverrideGetsAFreshSchemaThatIsDroppedAfterwards() throws SQLException {
        EmbeddedPostgresServer shared = SharedServers.postgres();
        System.setProperty(Env.JDBC_URL, shared.jdbcUrl());
        System.setProperty(Env.JDBC_USER, shared.user());
        System.setProperty(Env.JDBC_PASSWORD, shared.password());
        TestPostgres pg;
        try {
            pg = TestPostgres.create();
        } finally {
            System.clearProperty(Env.JDBC_URL);
            System.clearProperty(Env.JDBC_USER);
            System.clearProperty(Env.JDBC_PASSWORD);
        }
        assertThat(pg.embedded()).isFalse();
        assertThat(pg.jdbcUrl()).isEqualTo(shared.jdbcUrl() + "?currentSchema=" + pg.schema());
        try (Connection c = pg.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (id int)");
            try (ResultSet rs = st.executeQuery("SELECT current_schema()")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(pg.schema());
            }
        }
        assertThatThrownBy(pg::start).isInstanceOf(TestAbortedException.class);
        pg.dispose();
        try (Connection c = shared.dataSource().getConnection(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM information_schema.schemata WHERE schema_name = '"
                        + pg.schema() + "'")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
    }
}
