package io.github.iskahomes.analytics.jdbc;

import static io.github.iskahomes.analytics.jdbc.Rows.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import io.github.iskahomes.analytics.core.BusinessCalendar;
import io.github.iskahomes.analytics.core.EntityKind;
import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.internal.CalendarParts;
import io.github.iskahomes.analytics.core.internal.Metrics;
import io.github.iskahomes.analytics.redis.Ingestor;
import io.github.iskahomes.analytics.redis.IngestorConfig;
import io.github.iskahomes.analytics.testing.PostgresExtension;
import io.github.iskahomes.analytics.testing.RedisExtension;
import io.github.iskahomes.analytics.testing.TestPostgres;
import io.github.iskahomes.analytics.testing.TestRedis;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Dashboard queries over aggregated days: counters summed, uniques as sketch unions, rates recomputed. */
@ExtendWith({PostgresExtension.class, RedisExtension.class})
class AnalyticsQueriesTest {
    static final LocalDate FIRST = LocalDate.now(ZoneOffset.UTC).minusDays(6);
    static final int DAYS = 6;
    static final int PER_DAY = 300;
    static final int SHIFT = 100;

    private Jdbi jdbi;
    private Ingestor ingestor;
    private RedisKeys keys;
    private AnalyticsQueries queries;

    @BeforeEach
    void setUp(TestPostgres pg, TestRedis redis) {
        jdbi = Jdbi.create(pg.dataSource());
        Schema.migrate(jdbi);
        ingestor = Ingestor.connect(redis.uri(), IngestorConfig.builder().keyPrefix(redis.keyPrefix()).build());
        keys = new RedisKeys(redis.uri(), redis.keyPrefix());
        queries = AnalyticsQueries.create(pg.dataSource(), ingestor.reader()::unionCount);
    }

    @AfterEach
    void tearDown() {
        keys.close();
        ingestor.close();
    }

    /** Day i: seekers i*100 … i*100+299 view L9, so consecutive days share 200 seekers. */
    private static Set<Integer> seekersOn(int dayIndex) {
        Set<Integer> seekers = new HashSet<>();
        for (int s = dayIndex * SHIFT; s < dayIndex * SHIFT + PER_DAY; s++) {
            seekers.add(s);
        }
        return seekers;
    }

    @Test
    void weekAndMonthUniquesAreUnionsThatOutliveRedisWhereSumsOfDailyUniquesOvercount() {
        for (int d = 0; d < DAYS; d++) {
            Stream day = new Stream();
            for (int s : seekersOn(d)) {
                day.add("property_view", "seeker-" + s, FIRST.plusDays(d), "listing_id", "L9", "lister_id", "agent-9",
                        "lister_type", "agent", "viewed_from", "home");
            }
            if (d % 2 == 0) {
                day.add("lead_phone", "seeker-" + (d * SHIFT), FIRST.plusDays(d), "listing_id", "L9",
                        "lister_id", "agent-9", "lister_type", "agent");
            }
            List<Event> events = day.drain();
            assertThat(ingestor.ingest(events).ingested()).isEqualTo(events.size());
        }
        Aggregator aggregator = Aggregator.create(jdbi, ingestor.reader(), AggregatorConfig.defaults());
        assertThat(aggregator.run().finalisedDays()).hasSize(DAYS);
        LocalDate last = FIRST.plusDays(DAYS - 1);

        for (Grain grain : List.of(Grain.WEEK, Grain.MONTH)) {
            Map<String, Set<Integer>> truth = new LinkedHashMap<>();
            Map<String, Long> dailySums = new LinkedHashMap<>();
            for (int d = 0; d < DAYS; d++) {
                CalendarParts parts = CalendarParts.of(FIRST.plusDays(d));
                String period = grain == Grain.WEEK ? parts.week() : parts.month();
                truth.computeIfAbsent(period, p -> new HashSet<>()).addAll(seekersOn(d));
                dailySums.merge(period, (long) PER_DAY, Long::sum);
            }
            List<PeriodTotals> periods = queries.listing("L9", FIRST, last, grain);
            assertThat(periods).extracting(PeriodTotals::period).containsExactlyElementsOf(truth.keySet());
            for (PeriodTotals totals : periods) {
                long distinct = truth.get(totals.period()).size();
                assertThat(totals.unique(Metrics.UNIQUE_VIEWS)).as(grain + " " + totals.period())
                        .isCloseTo(distinct, within(Math.round(distinct * 0.02)));
                assertThat(totals.counter(Metrics.TOTAL_VIEWS)).isEqualTo(dailySums.get(totals.period()));
                if (totals.firstDay().isBefore(totals.lastDay())) {
                    // Summing daily uniques would report far more viewers than there were.
                    assertThat(dailySums.get(totals.period())).isGreaterThan(distinct + distinct / 5);
                }
            }
        }

        // The same answers after Redis forgot every key of these days: the sketches live in PostgreSQL.
        List<PeriodTotals> before = queries.listing("L9", FIRST, last, Grain.MONTH);
        assertThat(keys.delete("listing:*")).isPositive();
        assertThat(queries.listing("L9", FIRST, last, Grain.MONTH)).isEqualTo(before);

        // Rates over a range come from the summed counters: 3 leads / 1800 views.
        PeriodTotals lister = queries.lister("agent-9", FIRST, last, Grain.YEAR).stream()
                .reduce((a, b) -> b).orElseThrow();
        assertThat(queries.lister("agent-9", FIRST, last, Grain.DAY)).hasSize(DAYS);
        List<PeriodTotals> days = queries.listing("L9", FIRST, last, Grain.DAY);
        assertThat(days).extracting(PeriodTotals::period).first().isEqualTo(FIRST.toString());
        assertThat(days.get(0).amount("conversion_rate")).isEqualTo(new BigDecimal("0.33"));
        assertThat(days.get(1).amount("conversion_rate")).isEqualTo(new BigDecimal("0.00"));
        assertThat(days.get(0).unique(Metrics.UNIQUE_VIEWS)).isCloseTo(PER_DAY, within(6L));
        if (CalendarParts.of(FIRST).year() == CalendarParts.of(last).year()) {
            assertThat(lister.counter(Metrics.TOTAL_LISTING_VIEWS)).isEqualTo((long) DAYS * PER_DAY);
            assertThat(lister.counter(Metrics.TOTAL_LISTING_LEADS)).isEqualTo(3);
            assertThat(lister.amount("conversion_rate")).isEqualTo(new BigDecimal("0.17"));
        }
    }

    @Test
    void topListingsRankByViewsLeadsOrConversion() {
        LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(1);
        Stream s = new Stream();
        view(s, day, "A", 5, 1);
        view(s, day, "B", 3, 2);
        view(s, day, "C", 1, 1);
        view(s, day, "D", 0, 0);
        List<Event> events = s.drain();
        ingestor.ingest(events);
        Aggregator.create(jdbi, ingestor.reader(), AggregatorConfig.defaults()).run(day);

        assertThat(queries.topListings(day, day, Ranking.VIEWS, 2)).containsExactly(
                new ListingRank("A", 5, 5, 1, new BigDecimal("20.00")),
                new ListingRank("B", 3, 3, 2, new BigDecimal("66.67")));
        assertThat(queries.topListings(day, day, Ranking.LEADS, 3)).extracting(ListingRank::listingId)
                .containsExactly("B", "A", "C");
        assertThat(queries.topListings(day, day, Ranking.CONVERSION, 10)).extracting(ListingRank::listingId)
                .containsExactly("C", "B", "A");
        assertThat(queries.topListings(day.minusDays(3), day.minusDays(2), Ranking.VIEWS, 10)).isEmpty();
    }

    @Test
    void aListersTopListingsTheOwnerOfAnEntityAndTheTotalsOfARangeAsOnePeriod() {
        LocalDate first = LocalDate.now(ZoneOffset.UTC).minusDays(2);
        LocalDate second = first.plusDays(1);
        Stream s = new Stream();
        for (LocalDate day : List.of(first, second)) {
            // The same 4 seekers view A of agent-1 on both days; 2 view B of agent-2; one lead on A each day.
            for (int i = 0; i < 4; i++) {
                s.add("property_view", "seeker-" + i, day, "listing_id", "A", "lister_id", "agent-1",
                        "lister_type", "agent");
            }
            for (int i = 0; i < 2; i++) {
                s.add("property_view", "seeker-" + i, day, "listing_id", "B", "lister_id", "agent-2",
                        "lister_type", "agent");
            }
            s.add("lead_phone", "seeker-0", day, "listing_id", "A", "lister_id", "agent-1", "lister_type", "agent");
        }
        s.add("development_view", "seeker-9", second, "development_id", "D1", "developer_id", "agent-1");
        ingestor.ingest(s.drain());
        Aggregator.create(jdbi, ingestor.reader(), AggregatorConfig.defaults()).run(first, second);

        assertThat(queries.topListings(first, second, Ranking.VIEWS, 10, "agent-1"))
                .containsExactly(new ListingRank("A", 8, 4, 2, new BigDecimal("25.00")));
        assertThat(queries.topListings(first, second, Ranking.VIEWS, 10, null)).extracting(ListingRank::listingId)
                .containsExactly("A", "B");
        assertThat(queries.listerOf(EntityKind.LISTING, "B")).contains("agent-2");
        assertThat(queries.listerOf(EntityKind.LISTING, "nowhere")).isEmpty();
        assertThat(queries.listerOf(EntityKind.USER, "agent-7")).contains("agent-7");

        PeriodTotals range = queries.totals(EntityKind.LISTING, "A", first, second)
                .orElseThrow();
        assertThat(range.period()).isEqualTo(first + "/" + second);
        assertThat(range.firstDay()).isEqualTo(first);
        assertThat(range.lastDay()).isEqualTo(second);
        assertThat(range.counter(Metrics.TOTAL_VIEWS)).isEqualTo(8);
        assertThat(range.counter("phone_leads")).isEqualTo(2);
        // A union over both days: the same 4 seekers, not 8.
        assertThat(range.unique(Metrics.UNIQUE_VIEWS)).isEqualTo(4);
        assertThat(range.amount("conversion_rate")).isEqualTo(new BigDecimal("25.00"));
        assertThat(queries.totals(EntityKind.LISTING, "A", first.minusDays(5),
                first.minusDays(4))).isEmpty();
    }

    @Test
    void ratesAndAveragesRoundHalfUpToTwoDecimalsInEveryDayRowAndAreRecomputedFromSumsOverARange() {
        // Two consecutive retained days of one ISO week, so a WEEK period holds both.
        LocalDate first = LocalDate.now(ZoneOffset.UTC).minusDays(2);
        while (!CalendarParts.of(first).week().equals(CalendarParts.of(first.plusDays(1)).week())) {
            first = first.minusDays(1);
        }
        LocalDate second = first.plusDays(1);
        Stream s = new Stream();
        view(s, first, "A", 3, 1);      // 1 / 3 = 33.33
        view(s, second, "A", 5, 0);     // 0 / 5 = 0.00; over both days 1 / 8 = 12.50, the mean of the days is 16.67
        view(s, first, "B", 3, 2);      // 2 / 3 = 66.67
        view(s, second, "B", 0, 1);     // 1 lead, no view: 0.00; over both days 3 / 3 = 100.00
        view(s, first, "H", 800, 1);    // 1 / 800 = 0.125: half-up gives 0.13 (half-even would give 0.12)
        view(s, first, "C", 400, 1);    // 1 / 400 = 0.25
        view(s, second, "C", 400, 0);   // 0.00; over both days 1 / 800 = 0.13
        ingestInBatches(s.drain());
        Aggregator aggregator = Aggregator.create(jdbi, ingestor.reader(), AggregatorConfig.defaults());
        assertThat(aggregator.run(first, second).finalisedDays()).containsExactly(first, second);
        // A's sales: 100.00 + 100.01 on the first day (100.005 → 100.01), 50.00 on the second.
        SalesLedger ledger = SalesLedger.create(jdbi, BusinessCalendar.UTC);
        sell(ledger, "A", "100.00", first, first.minusDays(1));
        sell(ledger, "A", "100.01", first, first.minusDays(2));
        sell(ledger, "A", "50.00", second, second.minusDays(4));

        // The ledger's refresh and a later aggregator run write the same day rows.
        for (int run = 0; run < 2; run++) {
            assertThat(Db.rows(jdbi, """
                    SELECT listing_id || ' ' || date::text AS day, conversion_rate, lead_to_sale_rate,
                           avg_sale_price, avg_days_to_sale
                    FROM listing_analytics ORDER BY listing_id, date""")).containsExactly(
                    dayRow("A " + first, "33.33", "200.00", "100.01", "1.50"),
                    dayRow("A " + second, "0.00", "0.00", "50.00", "4.00"),
                    dayRow("B " + first, "66.67", "0.00", "0.00", "0.00"),
                    dayRow("B " + second, "0.00", "0.00", "0.00", "0.00"),
                    dayRow("C " + first, "0.25", "0.00", "0.00", "0.00"),
                    dayRow("C " + second, "0.00", "0.00", "0.00", "0.00"),
                    dayRow("H " + first, "0.13", "0.00", "0.00", "0.00"));
            aggregator.run(first, second);
        }

        PeriodTotals a = queries.listing("A", first, second, Grain.WEEK).get(0);
        assertThat(a.firstDay()).isEqualTo(first);
        assertThat(a.lastDay()).isEqualTo(second);
        assertThat(a.amount("conversion_rate")).isEqualTo(new BigDecimal("12.50"));
        assertThat(a.amount("lead_to_sale_rate")).isEqualTo(new BigDecimal("300.00"));     // 3 sales / 1 lead
        assertThat(a.amount("sales_value")).isEqualTo(new BigDecimal("250.01"));
        assertThat(a.amount("avg_sale_price")).isEqualTo(new BigDecimal("83.34"));         // 250.01 / 3 = 83.336…
        assertThat(a.amount("avg_days_to_sale")).isEqualTo(new BigDecimal("2.33"));        // (1 + 2 + 4) / 3
        assertThat(queries.listing("B", first, second, Grain.WEEK).get(0).amount("conversion_rate"))
                .isEqualTo(new BigDecimal("100.00"));
        assertThat(queries.listing("C", first, second, Grain.WEEK).get(0).amount("conversion_rate"))
                .isEqualTo(new BigDecimal("0.13"));
        assertThat(queries.listing("C", first, second, Grain.DAY)).extracting(t -> t.amount("conversion_rate"))
                .containsExactly(new BigDecimal("0.25"), new BigDecimal("0.00"));
        assertThat(queries.topListings(first, second, Ranking.VIEWS, 10))
                .extracting(ListingRank::listingId, ListingRank::conversionRate).containsExactly(
                        tuple("C", new BigDecimal("0.13")), tuple("H", new BigDecimal("0.13")),
                        tuple("A", new BigDecimal("12.50")), tuple("B", new BigDecimal("100.00")));
    }

    @Test
    void nothingToDivideByGivesZeroRatesAndAveragesInTheRowsAndOverARange() {
        LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(1);
        Stream s = new Stream();
        view(s, day, "Z", 0, 0);        // an impression only: 0 leads / 0 views
        view(s, day, "Y", 0, 1);        // 1 lead / 0 views
        s.add("development_share", "s1", day, "development_id", "DZ", "developer_id", "dev-9");
        ingestInBatches(s.drain());
        Aggregator.create(jdbi, ingestor.reader(), AggregatorConfig.defaults()).run(day);
        // A sale without a listing date on a listing without leads: 1 sale / 0 leads, 0 days / 0 dated sales.
        assertThat(SalesLedger.create(jdbi, BusinessCalendar.UTC).record(Sale.of("Z", new BigDecimal("10.00"), "NGN",
                day.atTime(12, 0).toInstant(ZoneOffset.UTC))).recorded()).isTrue();

        assertThat(Db.rows(jdbi, """
                SELECT listing_id || ' ' || date::text AS day, conversion_rate, lead_to_sale_rate, avg_sale_price,
                       avg_days_to_sale
                FROM listing_analytics ORDER BY listing_id""")).containsExactly(
                dayRow("Y " + day, "0.00", "0.00", "0.00", "0.00"),
                dayRow("Z " + day, "0.00", "0.00", "10.00", "0.00"));
        assertThat(Db.row(jdbi, "SELECT conversion_rate, engagement_rate FROM development_analytics"))
                .isEqualTo(expect("conversion_rate", "0.00", "engagement_rate", "0.00"));

        Map<String, BigDecimal> zero = new LinkedHashMap<>();
        for (String amount : List.of("conversion_rate", "lead_to_sale_rate", "avg_days_to_sale")) {
            zero.put(amount, new BigDecimal("0.00"));
        }
        assertThat(queries.listing("Z", day, day, Grain.YEAR).get(0).amounts()).containsAllEntriesOf(zero)
                .containsEntry("avg_sale_price", new BigDecimal("10.00"));
        assertThat(queries.listing("Y", day, day, Grain.YEAR).get(0).amounts()).containsAllEntriesOf(zero)
                .containsEntry("avg_sale_price", new BigDecimal("0.00"));
        assertThat(queries.development("DZ", day, day, Grain.YEAR).get(0).amounts())
                .containsEntry("engagement_rate", new BigDecimal("0.00"))
                .containsEntry("conversion_rate", new BigDecimal("0.00"));
        assertThat(queries.topListings(day, day, Ranking.VIEWS, 10))
                .extracting(ListingRank::listingId, ListingRank::conversionRate).containsExactly(
                        tuple("Y", new BigDecimal("0.00")), tuple("Z", new BigDecimal("0.00")));
    }

    private void ingestInBatches(List<Event> events) {
        for (int i = 0; i < events.size(); i += 500) {
            List<Event> batch = events.subList(i, Math.min(events.size(), i + 500));
            assertThat(ingestor.ingest(batch).ingested()).isEqualTo(batch.size());
        }
    }

    private static void sell(SalesLedger ledger, String listing, String price, LocalDate day, LocalDate listed) {
        assertThat(ledger.record(Sale.of(listing, new BigDecimal(price), "NGN",
                day.atTime(12, 0).toInstant(ZoneOffset.UTC)).withListedOn(listed)).recorded()).isTrue();
    }

    private static Map<String, Object> dayRow(String day, String conversion, String leadToSale, String price,
                                              String days) {
        return expect("day", day, "conversion_rate", conversion, "lead_to_sale_rate", leadToSale,
                "avg_sale_price", price, "avg_days_to_sale", days);
    }

    private static void view(Stream s, LocalDate day, String listing, int views, int leads) {
        List<String> seekers = new ArrayList<>();
        for (int i = 0; i < Math.max(views, leads); i++) {
            seekers.add(listing + "-seeker-" + i);
        }
        for (int i = 0; i < views; i++) {
            s.add("property_view", seekers.get(i), day, "listing_id", listing);
        }
        for (int i = 0; i < leads; i++) {
            s.add("lead_email", seekers.get(i), day, "listing_id", listing);
        }
        if (views == 0 && leads == 0) {
            s.add("listing_impression", "x", day, "listing_id", listing);
        }
    }
}
