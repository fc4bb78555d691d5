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
        assertThat(Schema.migrate(jdbi)).containsExactly(1, 2, 3, 4, 5);
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

        assertThat(Schema.migrate(jdbi, "PostgreSQL", 2)).containsExactly(2);

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
    void version3DefinesEveryRateAndAverageOnceRoundedHalfUpToTwoDecimalsAndZeroWithNothingToDivideBy(
            TestPostgres pg) {
        Jdbi jdbi = Jdbi.create(pg.dataSource());
        Schema.migrate(jdbi);
        assertThat(Db.strings(jdbi, """
                SELECT format('%s / %s = %s', n, d, analytics_rate(n, d))
                FROM (VALUES (1::bigint, 3::bigint), (2, 3), (1, 8), (1, 6), (1, 800), (1, 1600), (0, 5), (0, 0),
                             (5, 0), (3, 2), (7, 7), (NULL, 4), (4, NULL)) AS v(n, d)""")).containsExactly(
                "1 / 3 = 33.33", "2 / 3 = 66.67", "1 / 8 = 12.50", "1 / 6 = 16.67", "1 / 800 = 0.13",
                "1 / 1600 = 0.06", "0 / 5 = 0.00", "0 / 0 = 0.00", "5 / 0 = 0.00", "3 / 2 = 150.00",
                "7 / 7 = 100.00", " / 4 = 0.00", "4 /  = 0.00");
        assertThat(Db.strings(jdbi, """
                SELECT format('%s / %s = %s', t, c, analytics_average(t, c))
                FROM (VALUES (100::numeric, 3::bigint), (200, 3), (250000, 2), (0.125, 1), (200.01, 2), (99, 0),
                             (NULL, 3), (5, NULL)) AS v(t, c)""")).containsExactly(
                "100 / 3 = 33.33", "200 / 3 = 66.67", "250000 / 2 = 125000.00", "0.125 / 1 = 0.13",
                "200.01 / 2 = 100.01", "99 / 0 = 0.00", " / 3 = 0.00", "5 /  = 0.00");
    }

    @Test
    void aSchemaAtVersion2UpgradesToVersion3KeepingItsRowsAndTheLibraryWritesRatesThrough(TestPostgres pg) {
        Jdbi jdbi = Jdbi.create(pg.dataSource());
        assertThat(Schema.migrate(jdbi, "PostgreSQL", 2)).containsExactly(1, 2);
        jdbi.useHandle(h -> h.execute("""
                INSERT INTO listing_analytics (listing_id, date, week, month, quarter, year, total_views, total_leads,
                    conversion_rate)
                VALUES ('L1', DATE '2025-01-15', '2025-W03', '2025-01', '2025-Q1', 2025, 3, 1, 33.33)"""));
        assertThat(functions(jdbi)).isEmpty();

        assertThat(Schema.migrate(jdbi, "PostgreSQL", 3)).containsExactly(3);

        assertThat(Schema.currentVersion(jdbi)).isEqualTo(3);
        assertThat(Db.strings(jdbi, "SELECT name FROM analytics_schema_version WHERE version = 3"))
                .containsExactly("V3__metric_functions.sql");
        assertThat(functions(jdbi)).containsExactly("analytics_average(total numeric, count numeric)",
                "analytics_rate(numerator numeric, denominator numeric)");
        assertThat(Db.row(jdbi, "SELECT total_views, conversion_rate, analytics_rate(total_leads, total_views) AS rate "
                + "FROM listing_analytics")).isEqualTo(Rows.expect("total_views", 3L, "conversion_rate", "33.33",
                "rate", "33.33"));
        // The library's statements call the functions: a sale on the upgraded schema gets its rate and average.
        assertThat(SalesLedger.create(pg.dataSource(), io.github.iskahomes.analytics.core.BusinessCalendar.UTC)
                .record(Sale.of("L1", new java.math.BigDecimal("100.01"), "NGN",
                        java.time.Instant.parse("2025-01-15T12:00:00Z"))).recorded()).isTrue();
        assertThat(Db.row(jdbi, "SELECT avg_sale_price, lead_to_sale_rate FROM listing_analytics"))
                .isEqualTo(Rows.expect("avg_sale_price", "100.01", "lead_to_sale_rate", "100.00"));

        // Idempotent: the same file again changes nothing.
        jdbi.useTransaction(h -> h.createScript(Sql.resource("V3__metric_functions.sql")).execute());
        assertThat(functions(jdbi)).hasSize(2);
        assertThat(Schema.migrate(jdbi)).containsExactly(4, 5);
        assertThat(Schema.migrate(jdbi)).isEmpty();
    }

    @Test
    void version4IndexesEachDaysRowsWithSalesAndTheSalesRefreshUsesIt(TestPostgres pg) {
        Jdbi jdbi = Jdbi.create(pg.dataSource());
        assertThat(Schema.migrate(jdbi, "PostgreSQL", 3)).containsExactly(1, 2, 3);
        assertThat(Schema.migrate(jdbi, "PostgreSQL", 4)).containsExactly(4);
        assertThat(Db.strings(jdbi, "SELECT indexname FROM pg_indexes WHERE indexname LIKE '%\\_sales\\_idx'"
                + " AND schemaname = current_schema() ORDER BY indexname")).containsExactly(
                "development_analytics_sales_idx", "listing_analytics_sales_idx", "user_analytics_sales_idx");
        // The refresh's lookup of a day's rows with sales goes through the index, not through every row of the day.
        jdbi.useHandle(h -> {
            h.execute("SET enable_seqscan = off"); // an empty table would be read whole otherwise
            String plan = String.join("\n", h.createQuery("EXPLAIN SELECT listing_id FROM listing_analytics"
                    + " WHERE date = DATE '2025-01-15' AND total_sales > 0").mapTo(String.class).list());
            h.execute("RESET enable_seqscan");
            assertThat(plan).contains("listing_analytics_sales_idx");
        });
        // Idempotent: the same file again changes nothing.
        jdbi.useTransaction(h -> h.createScript(Sql.resource("V4__sales_row_indexes.sql")).execute());
        assertThat(Schema.migrate(jdbi)).containsExactly(5);
        assertThat(Schema.migrate(jdbi)).isEmpty();
    }

    /** Every id column of the library's tables, which V5 makes compare bytes. */
    private static final List<String> ID_COLUMNS = List.of("development_analytics.developer_id",
            "development_analytics.development_id", "lead_action_days.listing_id", "lead_action_days.seeker_id",
            "lead_actions.listing_id", "lead_actions.seeker_id", "lead_actions.uuid", "leads.development_id",
            "leads.lister_id", "leads.listing_id", "leads.seeker_id", "listing_analytics.development_id",
            "listing_analytics.lister_id", "listing_analytics.listing_id", "sales_listings.development_id",
            "sales_listings.lister_id", "sales_listings.listing_id", "sales_listings.user_id",
            "user_analytics.user_id");

    @Test
    void version5MakesEveryIdColumnCompareBytesKeepingRowsIndexesAndTheLeadsView(TestPostgres pg) {
        Jdbi jdbi = Jdbi.create(pg.dataSource());
        assertThat(Schema.migrate(jdbi, "PostgreSQL", 4)).containsExactly(1, 2, 3, 4);
        assertThat(byteCollatedColumns(jdbi)).isEmpty();
        jdbi.useHandle(h -> h.execute("""
                INSERT INTO listing_analytics (listing_id, date, week, month, quarter, year, lister_id, total_views)
                VALUES ('L-b', DATE '2025-01-15', '2025-W03', '2025-01', '2025-Q1', 2025, 'agent-1', 3),
                       ('L-B', DATE '2025-01-15', '2025-W03', '2025-01', '2025-Q1', 2025, 'agent-1', 2);
                INSERT INTO leads (listing_id, seeker_id, total_actions) VALUES ('L-b', 'seeker-1', 1);
                INSERT INTO lead_actions (listing_id, seeker_id, uuid, type, at)
                VALUES ('L-b', 'seeker-1', 'u-1', 'phone', TIMESTAMPTZ '2025-01-15 10:00:00+00')"""));

        assertThat(Schema.migrate(jdbi)).containsExactly(5);

        assertThat(byteCollatedColumns(jdbi)).containsExactlyElementsOf(ID_COLUMNS);
        // The rows stay, their indexes answer lookups, and the view reads through the altered columns.
        assertThat(Db.strings(jdbi, "SELECT listing_id || '=' || total_views FROM listing_analytics"
                + " WHERE lister_id = 'agent-1' ORDER BY listing_id")).containsExactly("L-B=2", "L-b=3");
        assertThat(Db.strings(jdbi, "SELECT indexname FROM pg_indexes WHERE tablename = 'listing_analytics'"
                + " AND schemaname = current_schema() ORDER BY indexname")).containsExactly(
                "listing_analytics_date_idx", "listing_analytics_development_idx", "listing_analytics_lister_idx",
                "listing_analytics_pkey", "listing_analytics_sales_idx");
        assertThat(Db.strings(jdbi, "SELECT listing_id || ' ' || seeker_id || ' ' || (lead_actions -> 0 ->> 'uuid')"
                + " FROM leads_with_actions")).containsExactly("L-b seeker-1 u-1");
        // A host's join with its own default-collation column takes the column's byte order, without an error.
        assertThat(Db.strings(jdbi, "SELECT a.listing_id FROM listing_analytics a"
                + " JOIN (VALUES ('L-b'::text)) AS host(id) ON host.id = a.listing_id")).containsExactly("L-b");

        // Idempotent: the same file again leaves every index where it is (no second rebuild).
        List<String> files = indexFiles(jdbi);
        jdbi.useTransaction(h -> h.createScript(Sql.resource("V5__binary_id_collation.sql")).execute());
        assertThat(indexFiles(jdbi)).isEqualTo(files);
        assertThat(byteCollatedColumns(jdbi)).containsExactlyElementsOf(ID_COLUMNS);
        assertThat(Schema.migrate(jdbi)).isEmpty();
    }

    /** {@code table.column} of the current schema's columns with collation "C", in order. */
    private static List<String> byteCollatedColumns(Jdbi jdbi) {
        return Db.strings(jdbi, """
                SELECT table_name || '.' || column_name FROM information_schema.columns
                WHERE table_schema = current_schema() AND collation_name = 'C'
                  AND table_name NOT IN ('leads_with_actions')
                ORDER BY table_name, column_name""");
    }

    /** Every index of the current schema with the file that holds it: a rebuilt index gets a new one. */
    private static List<String> indexFiles(Jdbi jdbi) {
        return Db.strings(jdbi, """
                SELECT c.relname || ' ' || c.relfilenode FROM pg_class c
                WHERE c.relkind = 'i' AND c.relnamespace = current_schema()::regnamespace ORDER BY c.relname""");
    }

    /** The functions of the current schema, with their arguments. */
    private static List<String> functions(Jdbi jdbi) {
        return Db.strings(jdbi, """
                SELECT p.proname || '(' || pg_get_function_arguments(p.oid) || ')' FROM pg_proc p
                WHERE p.pronamespace = current_schema()::regnamespace ORDER BY p.proname""");
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
