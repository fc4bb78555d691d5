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
        assertThat(Schema.migrate(jdbi)).containsExactly(1);
        assertThat(Schema.migrate(jdbi)).isEmpty();
        assertThat(Schema.currentVersion(jdbi)).isEqualTo(Schema.LATEST_VERSION);
        List<String> tables = jdbi.withHandle(h -> h.createQuery("""
                SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()
                ORDER BY table_name""").mapTo(String.class).list());
        assertThat(tables).containsExactly("aggregated_days", "analytics_schema_version", "development_analytics",
                "lead_action_days", "lead_actions", "leads", "leads_with_actions", "listing_analytics",
                "sales_listings", "user_analytics");
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
