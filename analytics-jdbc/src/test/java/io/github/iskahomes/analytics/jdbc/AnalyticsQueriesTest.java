package io.github.iskahomes.analytics.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
