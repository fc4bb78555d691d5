package io.github.iskahomes.analytics.jdbc;

import static io.github.iskahomes.analytics.jdbc.Rows.assertExactly;
import static io.github.iskahomes.analytics.jdbc.Rows.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iskahomes.analytics.core.AnalyticsException;
import io.github.iskahomes.analytics.core.BusinessCalendar;
import io.github.iskahomes.analytics.core.LeadRef;
import io.github.iskahomes.analytics.core.StoreUnavailableException;
import io.github.iskahomes.analytics.core.internal.CalendarParts;
import io.github.iskahomes.analytics.redis.IngestResult;
import io.github.iskahomes.analytics.redis.Ingestor;
import io.github.iskahomes.analytics.redis.IngestorConfig;
import io.github.iskahomes.analytics.testing.PostgresExtension;
import io.github.iskahomes.analytics.testing.RedisExtension;
import io.github.iskahomes.analytics.testing.TestPostgres;
import io.github.iskahomes.analytics.testing.TestRedis;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Scripted events → Ingestor (real Redis) → Aggregator → exact rows in a real PostgreSQL. */
@ExtendWith({PostgresExtension.class, RedisExtension.class})
class AggregatorTest {
    static final LocalDate D1 = LocalDate.now(ZoneOffset.UTC).minusDays(3);
    static final LocalDate D2 = D1.plusDays(1);
    static final LeadRef LEAD = new LeadRef("L1", "s1");

    private TestPostgres pg;
    private TestRedis redis;
    private Jdbi jdbi;
    private Ingestor ingestor;
    private Aggregator aggregator;
    private RedisKeys keys;

    @BeforeEach
    void setUp(TestPostgres pg, TestRedis redis) {
        this.pg = pg;
        this.redis = redis;
        jdbi = Jdbi.create(pg.dataSource());
        Schema.migrate(jdbi);
        ingestor = Ingestor.connect(redis.uri(), IngestorConfig.builder().keyPrefix(redis.keyPrefix())
                .leadActionCap(2).build());
        aggregator = Aggregator.create(pg.dataSource(), ingestor.reader(), AggregatorConfig.defaults().withChunkSize(2));
        keys = new RedisKeys(redis.uri(), redis.keyPrefix());
    }

    @AfterEach
    void tearDown() {
        keys.close();
        ingestor.close();
    }

    private static Object[] lister(Object... more) {
        Object[] base = {"listing_id", "L1", "lister_id", "agent-1", "lister_type", "agent", "development_id", "DV1"};
        Object[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    static Stream script() {
        Stream s = new Stream();
        s.add("property_view", "s1", D1, lister("viewed_from", "home", "is_logged_in", true));
        s.add("property_view", "s2", D1, lister("viewed_from", "search", "is_logged_in", false));
        s.add("property_view", "s1", D1, lister("viewed_from", "weird"));
        s.add("listing_impression", "s4", D1, "listing_id", "L1");
        s.add("impression_share", "s4", D1, "listing_id", "L1", "platform", "whatsapp");
        s.add("lead_phone", "s1", D1, lister("context", "listing_page"));
        s.add("lead_message", "s2", D1, lister("message", "is it available?"));
        s.add("listing_created", "agent-1", D1, "listing_id", "L1", "lister_id", "agent-1", "lister_type", "agent");
        s.add("listing_created", "agent-1", D1, "listing_id", "L2", "lister_id", "agent-1", "lister_type", "agent");
        s.add("listing_deleted", "agent-1", D1, "listing_id", "L3", "lister_id", "agent-1", "lister_type", "agent");
        s.add("profile_view", "s3", D1, "profile_id", "agent-1", "user_type", "agent");
        s.add("development_view", "s1", D1, "development_id", "DV1", "developer_id", "dev-9", "viewed_from", "home",
                "is_logged_in", true);
        s.add("development_view", "s2", D1, "development_id", "DV1", "developer_id", "dev-9",
                "viewed_from", "listings");
        s.add("development_share", "s1", D1, "development_id", "DV1", "developer_id", "dev-9");
        s.add("development_saved", "s2", D1, "development_id", "DV1", "developer_id", "dev-9");
        s.add("property_view", "s5", D1, "listing_id", "L2", "lister_id", "agent-2", "lister_type", "agency",
                "viewed_from", "explore");
        s.add("property_view", "s1", D2, lister("viewed_from", "home", "is_logged_in", true));
        s.add("lead_phone", "s1", D2, lister());
        s.add("listing_created", "agent-1", D2, "listing_id", "L4", "lister_id", "agent-1", "lister_type", "agent");
        return s;
    }

    private void ingest(Stream stream) {
        IngestResult result = ingestor.ingest(stream.drain());
        assertThat(result.rejected()).isEmpty();
    }

    private Map<String, Object> row(String sql) {
        return Db.row(jdbi, sql);
    }

    private static Object[] calendar(LocalDate day) {
        CalendarParts p = CalendarParts.of(day);
        return new Object[] {"date", day, "week", p.week(), "month", p.month(), "quarter", p.quarter(),
                "year", p.year()};
    }

    private static Map<String, Object> with(Object[] calendar, Object... values) {
        Object[] all = java.util.Arrays.copyOf(calendar, calendar.length + values.length);
        System.arraycopy(values, 0, all, calendar.length, values.length);
        return expect(all);
    }

    @Test
    void aSchemaNotMigratedSinceTheLibraryWasUpgradedIsRefusedBeforeAnythingIsWritten() {
        ingest(script());
        // A schema still at version 2: without the records of V3 and later, and without V3's functions.
        jdbi.useHandle(h -> h.execute("DELETE FROM analytics_schema_version WHERE version >= 3"));
        jdbi.useHandle(h -> h.execute("DROP FUNCTION analytics_rate(numeric, numeric), "
                + "analytics_average(numeric, numeric)"));

        assertThatThrownBy(() -> aggregator.run(D1)).isInstanceOf(AnalyticsException.class)
                .hasMessage("the analytics schema in " + pg.schema() + " is at version 2, older than the version 5 "
                        + "this library needs; run Schema.migrate before aggregating");
        assertThat(Db.scalar(jdbi, "SELECT count(*) FROM listing_analytics")).isZero();
        assertThat(Db.scalar(jdbi, "SELECT count(*) FROM aggregated_days")).isZero();

        assertThat(Schema.migrate(jdbi)).containsExactly(3, 4, 5);
        assertThat(aggregator.run(D1).finalisedDays()).containsExactly(D1);
        assertThat(row("SELECT conversion_rate FROM listing_analytics WHERE listing_id = 'L1'"))
                .isEqualTo(expect("conversion_rate", "66.67"));
    }

    @Test
    void scriptedStreamLandsInEveryTableWithExactValues() {
        ingest(script());
        AggregationResult result = aggregator.run(D1, D2);

        assertThat(result.toJson()).isEqualTo("{\"success\":true,\"processed\":{"
                + "\"listings\":{\"inserted\":3,\"errors\":[]},\"users\":{\"inserted\":3,\"errors\":[]},"
                + "\"developments\":{\"inserted\":2,\"errors\":[]},\"leads\":{\"inserted\":3,\"errors\":[]}},"
                + "\"finalisedDays\":[\"" + D1 + "\",\"" + D2 + "\"],\"skippedDays\":[]}");

        SalesLedger ledger = SalesLedger.create(pg.dataSource(), BusinessCalendar.UTC);
        assertThat(ledger.record(Sale.of("L1", new BigDecimal("100000.00"), "NGN",
                D1.atTime(15, 0).toInstant(ZoneOffset.UTC)).withListedOn(D1.minusDays(10))).recorded()).isTrue();
        assertThat(aggregator.run(D1, D2).finalisedDays()).containsExactly(D1, D2);

        assertExactly(row("SELECT * FROM listing_analytics WHERE listing_id = 'L1' AND date = '" + D1 + "'"),
                with(calendar(D1), "listing_id", "L1", "lister_id", "agent-1", "lister_type", "agent",
                        "development_id", "DV1", "total_views", 3L, "logged_in_views", 1L, "anonymous_views", 2L,
                        "views_from_home", 1L, "views_from_search", 1L, "views_from_direct", 1L,
                        "feed_impressions", 1L, "total_impressions", 1L, "impression_share", 1L, "total_leads", 2L,
                        "phone_leads", 1L, "message_leads", 1L, "unique_views", 2L, "unique_leads", 2L,
                        "total_sales", 1L, "sales_value", "100000.00", "avg_sale_price", "100000.00",
                        "avg_days_to_sale", "10.00", "days_to_sale_sum", 10L, "days_to_sale_count", 1L,
                        "conversion_rate", "66.67", "lead_to_sale_rate", "50.00"));
        assertExactly(row("SELECT * FROM listing_analytics WHERE listing_id = 'L1' AND date = '" + D2 + "'"),
                with(calendar(D2), "listing_id", "L1", "lister_id", "agent-1", "lister_type", "agent",
                        "development_id", "DV1", "total_views", 1L, "logged_in_views", 1L, "views_from_home", 1L,
                        "total_leads", 1L, "phone_leads", 1L, "unique_views", 1L, "unique_leads", 1L,
                        "conversion_rate", "100.00"));
        assertExactly(row("SELECT * FROM listing_analytics WHERE listing_id = 'L2'"),
                with(calendar(D1), "listing_id", "L2", "lister_id", "agent-2", "lister_type", "agency",
                        "total_views", 1L, "anonymous_views", 1L, "views_from_explore", 1L, "unique_views", 1L));

        assertExactly(row("SELECT * FROM user_analytics WHERE user_id = 'agent-1' AND date = '" + D1 + "'"),
                with(calendar(D1), "user_id", "agent-1", "user_type", "agent", "profile_views", 1L,
                        "unique_profile_viewers", 1L, "total_listing_views", 3L, "total_listing_leads", 2L,
                        "total_leads_generated", 2L, "phone_leads_generated", 1L, "message_leads_generated", 1L,
                        "listings_created", 2L, "listings_deleted", 1L, "total_listings", 1L, "active_listings", 1L,
                        "sold_listings", 1L, "total_sales", 1L, "total_revenue", "100000.00",
                        "avg_sale_price", "100000.00", "avg_days_to_sale", "10.00", "days_to_sale_sum", 10L,
                        "days_to_sale_count", 1L, "conversion_rate", "66.67", "lead_to_sale_rate", "50.00"));
        assertExactly(row("SELECT * FROM user_analytics WHERE user_id = 'agent-1' AND date = '" + D2 + "'"),
                with(calendar(D2), "user_id", "agent-1", "user_type", "agent", "total_listing_views", 1L,
                        "total_listing_leads", 1L, "total_leads_generated", 1L, "phone_leads_generated", 1L,
                        "listings_created", 1L, "total_listings", 2L, "active_listings", 1L,
                        "conversion_rate", "100.00"));
        assertExactly(row("SELECT * FROM user_analytics WHERE user_id = 'agent-2'"),
                with(calendar(D1), "user_id", "agent-2", "user_type", "agency", "total_listing_views", 1L,
                        "active_listings", 1L));

        assertExactly(row("SELECT * FROM development_analytics WHERE development_id = 'DV1' AND date = '" + D1 + "'"),
                with(calendar(D1), "development_id", "DV1", "developer_id", "dev-9", "total_views", 2L,
                        "logged_in_views", 1L, "views_from_home", 1L, "views_from_listings", 1L, "total_leads", 2L,
                        "total_interactions", 2L, "shares", 1L, "saves", 1L, "unique_views", 2L, "total_sales", 1L,
                        "sales_value", "100000.00", "avg_sale_price", "100000.00", "avg_days_to_sale", "10.00",
                        "days_to_sale_sum", 10L, "days_to_sale_count", 1L, "conversion_rate", "100.00",
                        "lead_to_sale_rate", "50.00", "engagement_rate", "100.00"));
        assertExactly(row("SELECT * FROM development_analytics WHERE development_id = 'DV1' AND date = '" + D2 + "'"),
                with(calendar(D2), "development_id", "DV1", "total_leads", 1L));

        Map<String, Object> lead = row("SELECT * FROM leads WHERE listing_id = 'L1' AND seeker_id = 's1'");
        assertExactly(lead, expect("listing_id", "L1", "seeker_id", "s1", "lister_id", "agent-1",
                "lister_type", "agent", "development_id", "DV1", "total_actions", 2L,
                "first_action_date", lead.get("first_action_date"), "last_action_date", lead.get("last_action_date"),
                "last_action_type", "phone", "status", "new", "notes", lead.get("notes")));
        assertThat(lead.get("notes").toString()).isEqualTo("[]");
        assertThat(((java.sql.Timestamp) lead.get("first_action_date")).toInstant())
                .isEqualTo(D1.atTime(10, 0, 5).toInstant(ZoneOffset.UTC));
        assertThat(((java.sql.Timestamp) lead.get("last_action_date")).toInstant())
                .isEqualTo(D2.atTime(10, 0, 17).toInstant(ZoneOffset.UTC));
        assertThat(Db.strings(jdbi, "SELECT type || '/' || COALESCE(context, '-') FROM lead_actions "
                + "WHERE listing_id = 'L1' AND seeker_id = 's1' ORDER BY at"))
                .containsExactly("phone/listing_page", "phone/-");
        assertThat(Db.rows(jdbi, "SELECT date, actions FROM lead_action_days WHERE seeker_id = 's1' ORDER BY date"))
                .extracting(r -> r.get("actions")).containsExactly(1L, 1L);
        assertThat(Db.scalar(jdbi, "SELECT total_actions FROM leads WHERE seeker_id = 's2'")).isEqualTo(1L);
        assertAggregatedDaysOfTheScript();
        assertThat(Db.scalar(jdbi, "SELECT count(*) FROM listing_analytics WHERE unique_views_hll IS NULL")).isZero();
    }

    private List<Map<String, Object>> snapshot() {
        return Db.rows(jdbi, """
                SELECT * FROM (SELECT 'listing' AS kind, to_jsonb(t) - 'updated_at' - 'created_at' AS row FROM listing_analytics t
                UNION ALL SELECT 'user', to_jsonb(t) - 'updated_at' - 'created_at' FROM user_analytics t
                UNION ALL SELECT 'development', to_jsonb(t) - 'updated_at' - 'created_at' FROM development_analytics t
                UNION ALL SELECT 'lead', to_jsonb(t) - 'updated_at' - 'created_at' FROM leads t
                UNION ALL SELECT 'action', to_jsonb(t) FROM lead_actions t
                UNION ALL SELECT 'action_day', to_jsonb(t) FROM lead_action_days t
                ) AS everything ORDER BY kind, row::text""");
    }

    @Test
    void aReRunChangesNothingAndARunAfterMoreEventsHasTheNewTotals() {
        ingest(script());
        aggregator.run(D1, D2);
        List<Map<String, Object>> first = snapshot();
        assertThat(aggregator.run(D1, D2).finalisedDays()).containsExactly(D1, D2);
        assertThat(snapshot()).isEqualTo(first);

        Stream more = new Stream();
        more.add("property_view", "s6", D1, lister("viewed_from", "home"));
        more.add("property_view", "s7", D1, lister("viewed_from", "home"));
        ingest(more);
        aggregator.run(D1);
        assertThat(row("SELECT total_views, unique_views, anonymous_views, views_from_home, conversion_rate "
                + "FROM listing_analytics WHERE listing_id = 'L1' AND date = '" + D1 + "'"))
                .isEqualTo(expect("total_views", 5L, "unique_views", 4L, "anonymous_views", 4L, "views_from_home", 3L,
                        "conversion_rate", "40.00"));
        assertThat(row("SELECT total_listing_views, conversion_rate FROM user_analytics WHERE user_id = 'agent-1' "
                + "AND date = '" + D1 + "'")).isEqualTo(expect("total_listing_views", 5L, "conversion_rate", "40.00"));
    }

    @Test
    void leadActionsSurviveWhenRedisForgetsThemAndStatusAndNotesSurviveReRuns() {
        ingest(script());
        aggregator.run(D1, D2);
        Leads leads = Leads.create(pg.dataSource());
        assertThat(leads.setStatus(LEAD, "qualified").applied()).isTrue();
        assertThat(leads.addNote(LEAD, "wants a viewing on Saturday").applied()).isTrue();

        String tag = "lead:{L1}:{s1}:";
        assertThat(keys.delete(tag + "actions") + keys.delete(tag + "metadata")).isEqualTo(2);
        aggregator.run(D1, D2);
        Lead kept = leads.find(LEAD).orElseThrow();
        assertThat(kept.totalActions()).isEqualTo(2);
        assertThat(kept.status()).isEqualTo(LeadStatus.QUALIFIED);
        assertThat(kept.notes()).containsExactly("wants a viewing on Saturday");
        assertThat(kept.listerId()).isEqualTo("agent-1");
        assertThat(leads.actions(LEAD)).extracting(a -> a.type()).containsExactly("phone", "phone");

        // Three more actions, but Redis keeps only the newest two (cap 2): every action is still counted.
        Stream more = new Stream(100);
        more.add("lead_email", "s1", D2, lister());
        more.add("lead_message", "s1", D2, lister());
        more.add("lead_appointment", "s1", D2, lister());
        ingest(more);
        aggregator.run(D1, D2);
        aggregator.run(D2);
        Lead after = leads.find(LEAD).orElseThrow();
        assertThat(after.totalActions()).isEqualTo(5);
        assertThat(after.lastActionType()).isEqualTo("appointment");
        assertThat(after.status()).isEqualTo(LeadStatus.QUALIFIED);
        assertThat(after.notes()).containsExactly("wants a viewing on Saturday");
        assertThat(leads.actions(LEAD)).extracting(a -> a.type())
                .containsExactly("phone", "phone", "message", "appointment");
        assertThat(leads.forLister("agent-1", 10)).extracting(Lead::lead)
                .containsExactly(LEAD, new LeadRef("L1", "s2"));
    }

    @Test
    void aSecondConcurrentRunIsSkippedAtOnceWhileTheFirstHoldsTheLock() throws Exception {
        ingest(script());
        try (Handle blocker = jdbi.open()) {
            // An uncommitted row with the key the first run will upsert: that run waits on it, holding the lock.
            blocker.begin();
            blocker.execute("INSERT INTO listing_analytics (listing_id, date, week, month, quarter, year) "
                    + "VALUES ('L1', ?, 'w', 'm', 'q', 1)", D1);
            CompletableFuture<AggregationResult> first = CompletableFuture.supplyAsync(() -> aggregator.run(D1));
            while (Db.scalar(jdbi, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted") == 0) {
                assertThat(first).isNotDone();
                Thread.sleep(20);
            }
            AggregationResult second = aggregator.run(D1);
            assertThat(second.skipped()).isEqualTo("another run holds the lock");
            assertThat(second.toJson()).isEqualTo("{\"success\":false,\"skipped\":\"another run holds the lock\","
                    + "\"processed\":{},\"finalisedDays\":[],\"skippedDays\":[]}");
            assertThat(first).isNotDone();
            blocker.rollback();
            AggregationResult done = first.get(60, TimeUnit.SECONDS);
            assertThat(done.success()).isTrue();
            assertThat(done.finalisedDays()).containsExactly(D1);
        }
        assertThat(Db.scalar(jdbi, "SELECT total_views FROM listing_analytics WHERE listing_id = 'L1'")).isEqualTo(3L);
        assertThat(aggregator.run(D1).skipped()).isNull();
    }

    @Test
    void aBadEntityIsReportedWithItsReasonAndTheRestCommit() {
        ingest(script());
        keys.redis.hset(redis.keyPrefix() + "user:{agent-2}:day:" + CalendarParts.dayKey(D1),
                "user_type", "martian");
        // A constraint the host added: the database refuses one listing; the chunk is retried row by row.
        jdbi.useHandle(h -> h.execute("ALTER TABLE listing_analytics ADD CONSTRAINT no_l2 CHECK (listing_id <> 'L2')"));
        AggregationResult result = aggregator.run(D1);
        assertThat(result.errors("users")).containsExactly(new AggregationResult.EntityError("agent-2", D1,
                "user agent-2 has user_type \"martian\" on " + D1
                        + ", not one of developer, agent, agency, property_manager"));
        assertThat(result.errors("listings")).hasSize(1);
        assertThat(result.errors("listings").get(0).id()).isEqualTo("L2");
        assertThat(result.errors("listings").get(0).reason())
                .startsWith("ERROR: new row for relation \"listing_analytics\" violates check constraint \"no_l2\"");
        assertThat(result.inserted("users")).isEqualTo(1);
        assertThat(result.inserted("listings")).isEqualTo(1);
        assertThat(result.toJson()).contains("\"users\":{\"inserted\":1,\"errors\":[{\"id\":\"agent-2\",\"day\":\""
                + D1 + "\",\"reason\":\"user agent-2 has user_type \\\"martian\\\" on " + D1);
        assertThat(Db.strings(jdbi, "SELECT listing_id FROM listing_analytics")).containsExactly("L1");
        assertThat(Db.strings(jdbi, "SELECT user_id FROM user_analytics")).containsExactly("agent-1");
    }

    @Test
    void aDayRedisNoLongerHoldsIsSkippedAndItsRowsAreNotZeroed() {
        ingest(script());
        aggregator.run(D1, D2);
        assertThat(keys.delete("*" + CalendarParts.dayKey(D1) + "*")).isPositive();
        AggregationResult result = aggregator.run();
        assertThat(result.finalisedDays()).containsExactly(D2);
        assertThat(result.skippedDays()).contains(D1).doesNotContain(D2);
        assertThat(Db.scalar(jdbi, "SELECT total_views FROM listing_analytics WHERE listing_id = 'L1' AND date = '"
                + D1 + "'")).isEqualTo(3L);
        assertThat(Db.scalar(jdbi, "SELECT total_actions FROM leads WHERE seeker_id = 's1'")).isEqualTo(2L);
        LocalDate longGone = D1.minusDays(30);
        AggregationResult old = aggregator.run(longGone);
        assertThat(old.skippedDays()).containsExactly(longGone);
        assertThat(old.finalisedDays()).isEmpty();
        assertThat(Db.scalar(jdbi, "SELECT count(*) FROM listing_analytics WHERE date = '" + longGone + "'")).isZero();
    }

    /** More events on D1 than the first run saw: a complete re-run of D1 would change every table. */
    private static Stream moreOnD1() {
        Stream more = new Stream(200);
        more.add("property_view", "s8", D1, lister("viewed_from", "home"));
        more.add("property_view", "s9", D1, "listing_id", "L2", "lister_id", "agent-2", "lister_type", "agency");
        more.add("lead_email", "s2", D1, lister());
        more.add("profile_view", "s9", D1, "profile_id", "agent-1", "user_type", "agent");
        more.add("development_view", "s9", D1, "development_id", "DV1", "developer_id", "dev-9");
        return more;
    }

    /** The script aggregated completely, then more events on D1: returns the complete run's tables. */
    private List<Map<String, Object>> aggregatedThenMoreOnD1() {
        ingest(script());
        aggregator.run(D1, D2);
        List<Map<String, Object>> complete = snapshot();
        ingest(moreOnD1());
        return complete;
    }

    private void assertAggregatedDaysOfTheScript() {
        assertThat(Db.rows(jdbi, "SELECT date, listings, users, developments, leads FROM aggregated_days ORDER BY date"))
                .containsExactly(
                        expect("date", java.sql.Date.valueOf(D1), "listings", 2L, "users", 2L, "developments", 1L,
                                "leads", 2L),
                        expect("date", java.sql.Date.valueOf(D2), "listings", 1L, "users", 1L, "developments", 1L,
                                "leads", 1L));
    }

    /** A run of D1 and D2 in chunks of one, during which {@code expire} runs once after D1's first listing chunk. */
    private AggregationResult runWhileD1Expires(Runnable expire) {
        Aggregator oneByOne = Aggregator.create(pg.dataSource(), ingestor.reader(),
                AggregatorConfig.defaults().withChunkSize(1));
        java.util.concurrent.atomic.AtomicBoolean fired = new java.util.concurrent.atomic.AtomicBoolean();
        oneByOne.afterChunkRead((day, table) -> {
            if (day.equals(D1) && table.equals("listings") && fired.compareAndSet(false, true)) {
                expire.run();
            }
        });
        AggregationResult result = oneByOne.run(D1, D2);
        assertThat(fired).isTrue();
        return result;
    }

    @Test
    void aDayThatExpiresBetweenTwoChunksIsLeftAsItWasAndReportedSkipped() {
        List<Map<String, Object>> complete = aggregatedThenMoreOnD1();

        AggregationResult result = runWhileD1Expires(
                () -> assertThat(keys.expireNow("*" + CalendarParts.dayKey(D1) + "*")).isPositive());

        assertThat(result.skippedDays()).containsExactly(D1);
        assertThat(result.finalisedDays()).containsExactly(D2);
        assertThat(result.toJson()).isEqualTo("{\"success\":true,\"processed\":{"
                + "\"listings\":{\"inserted\":1,\"errors\":[]},\"users\":{\"inserted\":1,\"errors\":[]},"
                + "\"developments\":{\"inserted\":1,\"errors\":[]},\"leads\":{\"inserted\":1,\"errors\":[]}},"
                + "\"finalisedDays\":[\"" + D2 + "\"],\"skippedDays\":[\"" + D1 + "\"]}");
        assertThat(snapshot()).isEqualTo(complete);
        assertThat(Db.scalar(jdbi, "SELECT total_views FROM listing_analytics WHERE listing_id = 'L1' AND date = '"
                + D1 + "'")).isEqualTo(3L);
        assertAggregatedDaysOfTheScript();
    }

    @Test
    void aDayWhoseIndexExpiresMidScanIsLeftAsItWasAndReportedSkipped() {
        List<Map<String, Object>> complete = aggregatedThenMoreOnD1();

        AggregationResult result = runWhileD1Expires(() -> assertThat(
                keys.expireNow("index:listing:{" + CalendarParts.dayKey(D1) + ":*")).isPositive());

        assertThat(result.skippedDays()).containsExactly(D1);
        assertThat(result.finalisedDays()).containsExactly(D2);
        assertThat(result.inserted("listings")).isEqualTo(1);
        assertThat(snapshot()).isEqualTo(complete);
    }

    @Test
    void aListerWhoseTypeChangesHasOneRowPerDayThatAddsUpToWhatWasSent() {
        Stream asAgent = new Stream();
        asAgent.add("property_view", "s1", D1, lister("viewed_from", "home"));
        ingest(asAgent);
        aggregator.run(D1);
        Stream asAgency = new Stream(10);
        asAgency.add("property_view", "s2", D1, "listing_id", "L5", "lister_id", "agent-1", "lister_type", "agency",
                "viewed_from", "home");
        ingest(asAgency);
        aggregator.run(D1);
        SalesLedger ledger = SalesLedger.create(pg.dataSource(), BusinessCalendar.UTC);
        assertThat(ledger.record(Sale.of("L1", new BigDecimal("500.00"), "NGN",
                D1.atTime(15, 0).toInstant(ZoneOffset.UTC))).recorded()).isTrue();
        aggregator.run(D1);

        assertExactly(row("SELECT * FROM user_analytics WHERE user_id = 'agent-1'"),
                with(calendar(D1), "user_id", "agent-1", "user_type", "agency", "total_listing_views", 2L,
                        "active_listings", 2L, "total_sales", 1L, "sold_listings", 1L, "total_revenue", "500.00",
                        "avg_sale_price", "500.00", "days_to_sale_count", 1L));
        AnalyticsQueries queries = AnalyticsQueries.create(pg.dataSource(), ingestor.reader()::unionCount);
        assertThat(queries.lister("agent-1", D1, D1, Grain.DAY)).singleElement()
                .satisfies(day -> assertThat(day.counter("total_listing_views")).isEqualTo(2L))
                .satisfies(day -> assertThat(day.counter("total_sales")).isEqualTo(1L));
    }

    @Test
    void aLeadActionPostgresCannotStoreIsReportedAndTheLeadAndItsOtherActionsAreWritten() {
        Stream good = new Stream();
        good.add("lead_phone", "s1", D1, lister("context", "listing_page"));
        ingest(good);
        // What an ingestor without text validation stored: an action whose context holds U+0000.
        String lead = redis.keyPrefix() + "lead:{L1}:{s1}:";
        String bad = io.github.iskahomes.analytics.redis.internal.RedisForms.encodeLeadAction(
                new io.github.iskahomes.analytics.core.LeadAction("bad-uuid", "message",
                        D1.atTime(11, 0).toInstant(ZoneOffset.UTC), "call\u0000me"));
        keys.redis.rpush(lead + "actions", bad);
        keys.redis.incr(lead + "day:" + CalendarParts.dayKey(D1) + ":actions");

        AggregationResult first = aggregator.run(D1);
        List<Map<String, Object>> written = snapshot();
        AggregationResult again = aggregator.run(D1);

        for (AggregationResult result : List.of(first, again)) {
            assertThat(result.finalisedDays()).containsExactly(D1);
            assertThat(result.inserted("leads")).isEqualTo(1);
            assertThat(result.errors("leads")).containsExactly(new AggregationResult.EntityError(
                    "listing L1, seeker s1, action bad-uuid", D1,
                    "lead action bad-uuid of listing L1 and seeker s1 was not stored: context has a NUL character "
                            + "(U+0000) at position 5, which PostgreSQL cannot store"));
        }
        assertThat(snapshot()).isEqualTo(written);
        Lead stored = Leads.create(pg.dataSource()).find(LEAD).orElseThrow();
        assertThat(stored.totalActions()).isEqualTo(2);
        assertThat(stored.lastActionType()).isEqualTo("phone");
        assertThat(Leads.create(pg.dataSource()).actions(LEAD)).extracting(a -> a.type() + "/" + a.context())
                .containsExactly("phone/listing_page");
    }

    @Test
    void aLeadActionTheDatabaseRefusesIsReportedAndTheLeadAndItsOtherActionsAreWritten() {
        Stream two = new Stream();
        two.add("lead_phone", "s1", D1, lister("context", "listing_page"));
        two.add("lead_email", "s1", D1, lister("context", "forbidden"));
        ingest(two);
        // A constraint the host added: the database refuses one action, not the lead.
        jdbi.useHandle(h -> h.execute("ALTER TABLE lead_actions ADD CONSTRAINT no_forbidden CHECK (context <> 'forbidden')"));

        AggregationResult result = aggregator.run(D1);

        assertThat(result.inserted("leads")).isEqualTo(1);
        assertThat(result.errors("leads")).singleElement().satisfies(error -> {
            String actionOf = "listing L1, seeker s1, action ";
            assertThat(error.id()).startsWith(actionOf);
            assertThat(error.reason()).startsWith("lead action " + error.id().substring(actionOf.length())
                    + " of listing L1 and seeker s1 was not stored: ERROR: new row for relation \"lead_actions\" "
                    + "violates check constraint \"no_forbidden\"");
        });
        Lead stored = Leads.create(pg.dataSource()).find(LEAD).orElseThrow();
        assertThat(stored.totalActions()).isEqualTo(2);
        assertThat(Leads.create(pg.dataSource()).actions(LEAD)).extracting(a -> a.type() + "/" + a.context())
                .containsExactly("phone/listing_page");
    }

    /** Every entity row of the three tables, without the timestamps a rerun moves. */
    private List<String> entityRows() {
        return Db.strings(jdbi, """
                SELECT x FROM (
                    SELECT (to_jsonb(t) - 'created_at' - 'updated_at')::text AS x FROM listing_analytics t
                    UNION ALL SELECT (to_jsonb(t) - 'created_at' - 'updated_at')::text FROM user_analytics t
                    UNION ALL SELECT (to_jsonb(t) - 'created_at' - 'updated_at')::text FROM development_analytics t
                ) rows ORDER BY x""");
    }

    @Test
    void aPooledConnectionIsUnwrappedSoChunksGoByCopyAndStoreWhatUnnestStores() throws Exception {
        ingest(script());
        // PgJDBC's own pool hands out java.lang.reflect.Proxy wrappers of its connections, as pools do.
        javax.sql.PooledConnection pooled = new org.postgresql.ds.PGPooledConnection(pg.dataSource().getConnection(),
                true);
        try {
            Jdbi pooledJdbi = Jdbi.create(pooled::getConnection);
            Aggregator copying = Aggregator.create(pooledJdbi, ingestor.reader(),
                    AggregatorConfig.defaults().withChunkSize(2));
            boolean unwrapped = pooledJdbi.withHandle(h -> java.lang.reflect.Proxy.isProxyClass(
                    h.getConnection().getClass()) && copying.copyManager(h) != null);
            assertThat(unwrapped).isTrue();

            assertThat(copying.run(D1, D2).finalisedDays()).containsExactly(D1, D2);
            List<String> copied = entityRows();
            assertThat(Aggregator.create(pg.dataSource(), ingestor.reader(),
                    AggregatorConfig.defaults().withChunkSize(2).withCopy(false)).run(D1, D2).finalisedDays())
                    .containsExactly(D1, D2);

            assertThat(copied).hasSize(8).isEqualTo(entityRows());
        } finally {
            pooled.close();
        }
    }

    @Test
    void postgresDownFailsClearlyAndTheNextRunCompletesTheSameDays() {
        ingest(script());
        pg.stop();
        try {
            assertThatThrownBy(() -> aggregator.run(D1, D2))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageStartingWith("PostgreSQL at " + pg.jdbcUrl().replaceAll("\\?.*", "") + " is unavailable: aggregating ["
                            + D1 + ", " + D2 + "] failed: ");
        } finally {
            pg.start();
        }
        assertThat(aggregator.run(D1, D2).finalisedDays()).containsExactly(D1, D2);
        assertThat(Db.scalar(jdbi, "SELECT total_views FROM listing_analytics WHERE listing_id = 'L1' AND date = '"
                + D1 + "'")).isEqualTo(3L);
    }

    @Test
    void redisDownFailsWithTheReadersExceptionAndWritesNothing() {
        ingest(script());
        redis.stop();
        try {
            assertThatThrownBy(() -> aggregator.run(D1, D2))
                    .isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("redis://" + redis.host() + ":" + redis.port() + " is unavailable");
        } finally {
            redis.start();
        }
        assertThat(Db.scalar(jdbi, "SELECT count(*) FROM listing_analytics")).isZero();
        assertThat(Db.scalar(jdbi, "SELECT count(*) FROM aggregated_days")).isZero();
    }

    /** One view on D1 of each of the listings M0 … M(count - 1), all agent-1's, by seekers s0 … s(count - 1). */
    private static Stream viewsOfListings(int count) {
        Stream stream = new Stream();
        for (int i = 0; i < count; i++) {
            stream.add("property_view", "s" + i, D1, "listing_id", "M" + i, "lister_id", "agent-1", "lister_type",
                    "agent");
        }
        return stream;
    }

    @Test
    void aRowWrittenMeanwhileIntoADayBeingAggregatedForTheFirstTimeIsMergedNotDoubled() {
        // A day's first aggregation inserts its chunks without ON CONFLICT; a row of the day that another
        // transaction commits meanwhile makes that chunk's insert fail, and the chunk is merged instead.
        ingest(viewsOfListings(8));
        List<List<String>> chunks = new java.util.ArrayList<>();
        ingestor.reader().forEachEntity(io.github.iskahomes.analytics.core.EntityKind.LISTING, D1, 2,
                chunk -> chunks.add(chunk.stream().map(e -> e.entity().id()).toList()));
        assertThat(chunks).hasSize(4);
        String late = chunks.get(3).get(0);
        CalendarParts parts = CalendarParts.of(D1);
        java.util.concurrent.atomic.AtomicInteger read = new java.util.concurrent.atomic.AtomicInteger();
        aggregator.afterChunkRead((day, table) -> {
            // Once the third chunk is handed on, the first has been written (the queue holds one), so the day was
            // found new; the fourth chunk, which holds the late id, is not read yet.
            if (table.equals("listings") && read.incrementAndGet() == 3) {
                jdbi.useHandle(h -> h.createUpdate("INSERT INTO listing_analytics (listing_id, date, week, month,"
                                + " quarter, year, total_views) VALUES (:id, :date, :week, :month, :quarter, :year, 99)")
                        .bind("id", late).bind("date", D1).bind("week", parts.week()).bind("month", parts.month())
                        .bind("quarter", parts.quarter()).bind("year", parts.year()).execute());
            }
        });

        AggregationResult result = aggregator.run(D1);

        assertThat(read).hasValue(4);
        assertThat(result.errors("listings")).isEmpty();
        assertThat(result.inserted("listings")).isEqualTo(8);
        assertThat(Db.strings(jdbi, "SELECT listing_id || ' ' || total_views || ' ' || lister_id"
                + " FROM listing_analytics ORDER BY listing_id"))
                .containsExactly("M0 1 agent-1", "M1 1 agent-1", "M2 1 agent-1", "M3 1 agent-1", "M4 1 agent-1",
                        "M5 1 agent-1", "M6 1 agent-1", "M7 1 agent-1");
    }

    @Test
    void aListingWhoseTextPostgresCannotStoreFailsAloneOnADaysFirstAggregation() {
        // What an ingestor without text validation stored: a lister id holding U+0000, which COPY refuses for the
        // whole chunk; the chunk is then written row by row and only that listing is reported.
        ingest(script());
        keys.redis.hset(redis.keyPrefix() + "listing:{L2}:day:" + CalendarParts.dayKey(D1), "lister_id", "a\u0000b");

        AggregationResult result = aggregator.run(D1);

        assertThat(result.errors("listings")).extracting(AggregationResult.EntityError::id).containsExactly("L2");
        assertThat(result.errors("listings").get(0).reason()).contains("0x00");
        assertThat(result.inserted("listings")).isEqualTo(1);
        assertThat(Db.strings(jdbi, "SELECT listing_id FROM listing_analytics")).containsExactly("L1");
    }

    @Test
    void aListingWhoseRowPostgresRefusesAtTheMergeFailsAloneAndTheRestOfTheDayIsWritten() {
        // A counter no event stream reaches, written straight into Redis: COPY stages it, but its conversion rate
        // overflows numeric(12,2) in the merge. The chunk is retried row by row, so only that listing is reported.
        ingest(viewsOfListings(6));
        keys.redis.hset(redis.keyPrefix() + "listing:{M3}:day:" + CalendarParts.dayKey(D1), "total_leads",
                "1000000000000");

        AggregationResult result = aggregator.run(D1);

        assertThat(result.errors("listings")).extracting(AggregationResult.EntityError::id).containsExactly("M3");
        assertThat(result.errors("listings").get(0).reason()).contains("numeric field overflow");
        assertThat(result.inserted("listings")).isEqualTo(5);
        assertThat(Db.strings(jdbi, "SELECT listing_id || ' ' || total_views || ' ' || lister_id"
                + " FROM listing_analytics ORDER BY listing_id"))
                .containsExactly("M0 1 agent-1", "M1 1 agent-1", "M2 1 agent-1", "M4 1 agent-1", "M5 1 agent-1");
        assertThat(Db.scalar(jdbi, "SELECT listings FROM aggregated_days")).isEqualTo(5L);
    }
}
