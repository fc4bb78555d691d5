package io.github.iskahomes.analytics.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import io.github.iskahomes.analytics.core.AnalyticsException;
import io.github.iskahomes.analytics.core.EntityKind;
import io.github.iskahomes.analytics.testing.PostgresExtension;
import io.github.iskahomes.analytics.testing.TestPostgres;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class SchemaTest {

    @Test
    void migrateCreatesEveryTableOnceAndRecordsItsVersion(TestPostgres pg) {
        Jdbi jdbi = Jdbi.create(pg.dataSource());
        assertThat(Schema.currentVersion(jdbi)).isZero();
        assertThat(Schema.migrate(jdbi)).containsExactly(1, 2);
        assertThat(Schema.migrate(jdbi)).isEmpty();
        assertThat(Schema.currentVersion(jdbi)).isEqualTo(Schema.LATEST_VERSION);
        List<String> tables = jdbi.withHandle(h -> h.createQuery("""
                SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()
                ORDER BY table_name""").mapTo(String.class).list());
        assertThat(tables).containsExactly("aggregated_days", "analytics_schema_version", "development_analytics",
                "lead_action_days", "lead_actions", "leads", "leads_with_actions", "listing_analytics",
                "sales_listings", "user_analytics", "user_analytics_v1_duplicates");
    }

    @Test
    void everyMetricOfTheContractHasItsColumnsWithFittingTypes(TestPostgres pg) {
        Jdbi jdbi = Jdbi.create(pg.dataSource());
        Schema.migrate(jdbi);
        for (EntityKind kind : EntityKind.values()) {
            for (String counter : kind.counters()) {
                assertThat(type(jdbi, Tables.table(kind), counter)).as(counter).isEqualTo("bigint");
            }
            for (String unique : kind.uniques()) {
                assertThat(type(jdbi, Tables.table(kind), unique)).as(unique).isEqualTo("bigint");
                assertThat(type(jdbi, Tables.table(kind), unique + "_hll")).as(unique).isEqualTo("bytea");
            }
            for (String calendar : List.of("week", "month", "quarter")) {
                assertThat(type(jdbi, Tables.table(kind), calendar)).isEqualTo("text");
            }
            assertThat(type(jdbi, Tables.table(kind), "date")).isEqualTo("date");
            assertThat(type(jdbi, Tables.table(kind), "year")).isEqualTo("integer");
            assertThat(type(jdbi, Tables.table(kind), "conversion_rate")).isEqualTo("numeric(12,2)");
            assertThat(type(jdbi, Tables.table(kind), "lead_to_sale_rate")).isEqualTo("numeric(12,2)");
            assertThat(type(jdbi, Tables.table(kind), "updated_at")).isEqualTo("timestamp with time zone");
        }
        assertThat(type(jdbi, "development_analytics", "engagement_rate")).isEqualTo("numeric(12,2)");
        assertThat(type(jdbi, "development_analytics", "developer_id")).isEqualTo("text");
        assertThat(type(jdbi, "sales_listings", "sale_price")).isEqualTo("numeric(12,2)");
        assertThat(type(jdbi, "leads", "notes")).isEqualTo("jsonb");
        assertThat(type(jdbi, "user_analytics", "total_listings")).isEqualTo("bigint");
    }

    @Test
    void migrationsKeepExistingRows(TestPostgres pg) {
        Jdbi jdbi = Jdbi.create(pg.dataSource());
        Schema.migrate(jdbi);
        jdbi.useHandle(h -> h.execute("""
                INSERT INTO listing_analytics (listing_id, date, week, month, quarter, year, total_views)
                VALUES ('L1', DATE '2025-01-15', '2025-W03', '2025-01', '2025-Q1', 2025, 7)"""));
        Schema.migrate(jdbi);
        assertThat(Db.scalar(jdbi, "SELECT total_views FROM listing_analytics")).isEqualTo(7L);
    }

    @Test
    void version2KeepsTheNewestRowOfAListerAndDayAndMovesTheOthersAside(TestPostgres pg) {
        Jdbi jdbi = Jdbi.create(pg.dataSource());
        assertThat(Schema.migrate(jdbi, "PostgreSQL", 1)).containsExactly(1);
        // What version 1 left after agent-1's events changed type on the 15th: the agency row is the newer reading
        // of the same Redis counters (3 views in all); the agent row carries the sale credited to the agent type.
        jdbi.useHandle(h -> h.execute("""
                INSERT INTO user_analytics (user_id, user_type, date, week, month, quarter, year, total_listing_views,
                    listings_created, total_sales, total_revenue, updated_at)
                VALUES ('agent-1', 'agent', DATE '2025-01-15', '2025-W03', '2025-01', '2025-Q1', 2025, 2, 1, 1, 500,
                        TIMESTAMPTZ '2025-01-15 11:00Z'),
                       ('agent-1', 'agency', DATE '2025-01-15', '2025-W03', '2025-01', '2025-Q1', 2025, 3, 1, 0, 0,
                        TIMESTAMPTZ '2025-01-15 11:00Z'),
                       ('agent-1', 'agency', DATE '2025-01-16', '2025-W03', '2025-01', '2025-Q1', 2025, 1, 1, 0, 0,
                        TIMESTAMPTZ '2025-01-16 11:00Z'),
                       ('agent-2', 'agent', DATE '2025-01-15', '2025-W03', '2025-01', '2025-Q1', 2025, 7, 0, 0, 0,
                        TIMESTAMPTZ '2025-01-15 11:00Z');
                INSERT INTO sales_listings (listing_id, lister_id, lister_type, sale_date, sale_timestamp, sale_price,
                    currency, sale_type)
                VALUES ('L1', 'agent-1', 'agent', DATE '2025-01-15', TIMESTAMPTZ '2025-01-15 12:00Z', 500, 'NGN', 'sale')
                """));

        assertThat(Schema.migrate(jdbi)).containsExactly(2);

        assertThat(Db.rows(jdbi, """
                SELECT user_id, user_type, date::text AS date, total_listing_views, total_listings, total_sales,
                       total_revenue AS revenue
                FROM user_analytics ORDER BY user_id, date""")).containsExactly(
                Rows.expect("user_id", "agent-1", "user_type", "agency", "date", "2025-01-15",
                        "total_listing_views", 3L, "total_listings", 1L, "total_sales", 1L, "revenue", "500.00"),
                Rows.expect("user_id", "agent-1", "user_type", "agency", "date", "2025-01-16",
                        "total_listing_views", 1L, "total_listings", 2L, "total_sales", 0L, "revenue", "0.00"),
                Rows.expect("user_id", "agent-2", "user_type", "agent", "date", "2025-01-15",
                        "total_listing_views", 7L, "total_listings", 0L, "total_sales", 0L, "revenue", "0.00"));
        assertThat(Db.strings(jdbi, "SELECT user_id || '/' || user_type || '/' || total_listing_views "
                + "FROM user_analytics_v1_duplicates")).containsExactly("agent-1/agent/2");
        assertThat(Db.strings(jdbi, """
                SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM pg_constraint c
                CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
                JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
                WHERE c.conrelid = to_regclass('user_analytics') AND c.contype = 'p'""")).containsExactly("user_id,date");

        // Idempotent: the same file again changes nothing.
        jdbi.useTransaction(h -> h.createScript(Sql.resource("V2__one_lister_row_per_day.sql")).execute());
        assertThat(Db.scalar(jdbi, "SELECT count(*) FROM user_analytics")).isEqualTo(3L);
        assertThat(Db.scalar(jdbi, "SELECT count(*) FROM user_analytics_v1_duplicates")).isEqualTo(1L);
    }

    @Test
    void aNewerSchemaIsRefusedClearly(TestPostgres pg) {
        Jdbi jdbi = Jdbi.create(pg.dataSource());
        Schema.migrate(jdbi);
        jdbi.useHandle(h -> h.execute("INSERT INTO analytics_schema_version (version, name) VALUES (99, 'V99__future.sql')"));
        assertThatThrownBy(() -> Schema.migrate(jdbi))
                .isInstanceOf(AnalyticsException.class)
                .hasMessageContaining("the analytics schema in " + pg.schema() + " is at version 99, newer than the "
                        + "version " + Schema.LATEST_VERSION + " this library knows; upgrade the library instead of migrating");
    }

    private static String type(Jdbi jdbi, String table, String column) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
                        WHERE a.attrelid = to_regclass(:t) AND a.attname = :c AND NOT a.attisdropped""")
                .bind("t", table).bind("c", column).mapTo(String.class).findOne().orElse("missing"));
    }
}
