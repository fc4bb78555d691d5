package io.github.iskahomes.analytics.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresExtensionTest {

    private static String firstSchema;

    @Test
    @Order(1)
    void createsInsertsAndSelectsInTheTestSchema(TestPostgres pg) throws SQLException {
        firstSchema = pg.schema();
        try (Connection c = pg.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE listing_views (listing_id text PRIMARY KEY, views bigint NOT NULL)");
            st.executeUpdate("INSERT INTO listing_views VALUES ('L1', 3), ('L2', 5)");
            try (ResultSet rs = st.executeQuery("SELECT current_schema(), sum(views) FROM listing_views")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(pg.schema());
                assertThat(rs.getLong(2)).isEqualTo(8L);
            }
        }
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT views FROM listing_views WHERE listing_id = 'L2'")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(5L);
        }
        assertThat(pg.embedded()).isTrue();
    }

    @Test
    @Order(2)
    void aSecondTestGetsAnotherEmptySchemaAndTheFirstIsDropped(TestPostgres pg) throws SQLException {
        assertThat(pg.schema()).isNotEqualTo(firstSchema).matches("t_[a-z0-9]{6}_\\d+");
        try (Connection c = pg.dataSource().getConnection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()")) {
                rs.next();
                assertThat(rs.getLong(1)).isZero();
            }
            try (ResultSet rs = st.executeQuery(
                    "SELECT count(*) FROM information_schema.schemata WHERE schema_name = '" + firstSchema + "'")) {
                rs.next();
                assertThat(rs.getLong(1)).isZero();
            }
            // The same table name as the first test, with no clash.
            st.execute("CREATE TABLE listing_views (listing_id text PRIMARY KEY, views bigint NOT NULL)");
        }
    }

    @Test
    @Order(3)
    void stopAndStartKeepThePortAndCommittedData(TestPostgres pg) throws SQLException {
        try (Connection c = pg.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE kept (id int PRIMARY KEY)");
            st.executeUpdate("INSERT INTO kept VALUES (7)");
        }
        String url = pg.jdbcUrl();
        pg.stop();
        try {
            try (Connection c = pg.dataSource().getConnection()) {
                throw new AssertionError("connected to a stopped server: " + c);
            } catch (SQLException expected) {
                assertThat(expected.getSQLState()).isEqualTo("08001");
            }
        } finally {
            pg.start();
        }
        assertThat(pg.jdbcUrl()).isEqualTo(url);
        try (Connection c = pg.dataSource().getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id FROM kept")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(7);
        }
    }
}
