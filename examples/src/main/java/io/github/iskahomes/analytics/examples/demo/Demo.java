package io.github.iskahomes.analytics.examples.demo;

import io.github.iskahomes.analytics.batcher.EventBatcher;
import io.github.iskahomes.analytics.batcher.HttpIngestSink;
import io.github.iskahomes.analytics.batcher.SinkStats;
import io.github.iskahomes.analytics.core.BusinessCalendar;
import io.github.iskahomes.analytics.core.EventType;
import io.github.iskahomes.analytics.examples.Flags;
import io.github.iskahomes.analytics.examples.Pipeline;
import io.github.iskahomes.analytics.jdbc.ListingRank;
import io.github.iskahomes.analytics.jdbc.Ranking;
import io.github.iskahomes.analytics.redis.IngestorConfig;
import io.github.iskahomes.analytics.server.BackingStores;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The README's first command: simulated marketplace traffic through the whole pipeline — EventBatcher → HTTP →
 * IngestHandler → Ingestor → Redis → Aggregator → PostgreSQL — then a report and a check of every total in
 * PostgreSQL against what the simulator sent.
 */
public final class Demo {
    private Demo() {
    }

    /** Runs the demo; true when the verification holds. */
    public static boolean run(Flags flags) throws Exception {
        int events = flags.integer("events", null, 50_000);
        int days = flags.integer("days", null, 3);
        long seed = Long.parseLong(flags.get("seed", null, "7782"));
        ZoneId zone = ZoneId.of(flags.get("zone", "ANALYTICS_ZONE", "UTC"));
        if (days < 1 || days > 7) {
            throw new IllegalArgumentException("--days must be 1 to 7 (the retention window), was " + days);
        }
        BusinessCalendar calendar = new BusinessCalendar(zone);
        IngestorConfig config = IngestorConfig.builder().calendar(calendar).build();
        long started = System.nanoTime();
        try (BackingStores stores = BackingStores.start();
             Pipeline pipeline = Pipeline.start(stores, config, 0)) {
            System.out.printf("Redis      %s%nPostgreSQL %s%nIngest     %s%n%n", stores.redisUri(),
                    stores.jdbcUrl(), pipeline.ingestUrl());
            return run(pipeline, calendar, events, days, seed, started);
        }
    }

    /** The demo on a running pipeline (the tests call this with a small size). */
    public static boolean run(Pipeline pipeline, BusinessCalendar calendar, int events, int days, long seed,
                              long startedNanos) throws Exception {
        Instant now = Instant.now();
        TrafficSimulator simulator = new TrafficSimulator(TrafficSimulator.Options.of(events, days, seed), calendar, now);
        System.out.printf("Simulating %,d events over %d days (seed %d): %,d listings, %,d listers, %,d developments,"
                + " %,d seekers%n", events, days, seed, simulator.options().listings(), simulator.options().listers(),
                simulator.options().developments(), simulator.options().seekers());

        long sendStart = System.nanoTime();
        Map<String, SinkStats> stats;
        try (EventBatcher batcher = EventBatcher.builder()
                .sink(HttpIngestSink.builder(URI.create(pipeline.ingestUrl())).gzip(true).build())
                .build()) {
            int step = Math.max(1, events / 10);
            int[] sent = {0};
            simulator.run(event -> {
                batcher.track(event);
                if (++sent[0] % step == 0) {
                    System.out.printf("  tracked %,7d / %,d%n", sent[0], events);
                }
                if (sent[0] % 500 == 0) {
                    awaitRoom(batcher); // the simulator outruns any real app: keep it within the batcher's queue
                }
            });
            batcher.flush(Duration.ofMinutes(2));
            stats = batcher.stats();
        }
        double sendSeconds = (System.nanoTime() - sendStart) / 1e9;
        SinkStats http = stats.values().iterator().next();
        System.out.printf("Delivered %,d events over HTTP in %.1f s (%,.0f events/s); dropped %d, failed %d,"
                + " rejected %d%n", http.sent(), sendSeconds, http.sent() / sendSeconds, http.dropped(), http.failed(),
                http.rejected());

        for (TrafficSimulator.SimulatedSale sale : simulator.sales()) {
            var result = pipeline.ledger().record(sale.toSale());
            if (!result.recorded()) {
                throw new IllegalStateException("sale refused: " + result.problems());
            }
        }
        System.out.printf("Recorded %d sales through the SalesLedger%n", simulator.sales().size());

        long aggregateStart = System.nanoTime();
        var summary = pipeline.aggregator().run();
        double aggregateSeconds = (System.nanoTime() - aggregateStart) / 1e9;
        System.out.printf("Aggregated in %.1f s: %s%n%n", aggregateSeconds, summary.toJson());

        LocalDate to = calendar.dayOf(now);
        LocalDate from = to.minusDays(days - 1L);
        report(pipeline, from, to);
        Map<String, Long> eventsByType = eventsByType(pipeline, from, to);
        System.out.println("Events per type (Redis):");
        eventsByType.forEach((type, count) -> System.out.printf("  %-26s %,8d%n", type, count));

        Verification verification = new Verification(pipeline, simulator.expected(), from, to);
        List<String> problems = verification.check(eventsByType, http);
        double total = (System.nanoTime() - startedNanos) / 1e9;
        System.out.printf("%nThroughput: %,.0f events/s end to end over HTTP; whole demo %.1f s%n",
                http.sent() / sendSeconds, total);
        if (problems.isEmpty()) {
            System.out.printf("VERIFIED: every total in PostgreSQL equals what the simulator sent (%,d cells,"
                    + " %,d leads, %d sales; uniques within HyperLogLog error)%n", verification.cellsChecked(),
                    simulator.expected().leadActions().size(), simulator.sales().size());
            return true;
        }
        System.out.printf("NOT VERIFIED: %d mismatches%n", problems.size());
        problems.stream().limit(30).forEach(problem -> System.out.println("  " + problem));
        return false;
    }

    /** Accepted events per type over a range of days, as Redis counted them. */
    public static Map<String, Long> eventsByType(Pipeline pipeline, LocalDate from, LocalDate to) {
        Map<String, Long> eventsByType = new TreeMap<>();
        for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
            for (Map.Entry<EventType, Long> entry : pipeline.ingestor().reader().eventCounts(day).entrySet()) {
                eventsByType.merge(entry.getKey().wireName(), entry.getValue(), Long::sum);
            }
        }
        return eventsByType;
    }

    /** Waits until every sink of the batcher has its queue at most half full (a generator outruns any real app). */
    public static void awaitRoom(EventBatcher batcher) {
        int limit = batcher.config().maxQueueSize() / 2;
        while (batcher.stats().values().stream().anyMatch(sink -> sink.pending() > limit)) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void report(Pipeline pipeline, LocalDate from, LocalDate to) {
        System.out.printf("Top listings by views, %s to %s:%n", from, to);
        System.out.printf("  %-16s %8s %8s %8s %11s%n", "listing", "views", "unique", "leads", "conversion");
        for (ListingRank rank : pipeline.queries().topListings(from, to, Ranking.VIEWS, 5)) {
            System.out.printf("  %-16s %8d %8d %8d %10s%%%n", rank.listingId(), rank.totalViews(), rank.uniqueViews(),
                    rank.totalLeads(), rank.conversionRate());
        }
        System.out.printf("Top listings by leads:%n");
        for (ListingRank rank : pipeline.queries().topListings(from, to, Ranking.LEADS, 5)) {
            System.out.printf("  %-16s %8d %8d %8d %10s%%%n", rank.listingId(), rank.totalViews(), rank.uniqueViews(),
                    rank.totalLeads(), rank.conversionRate());
        }
        System.out.println("Listers (top 8 by listing views):");
        System.out.printf("  %-12s %-17s %8s %8s %8s %8s %6s%n", "lister", "type", "l.views", "leads", "profile",
                "net +/-", "sales");
        pipeline.jdbi().useHandle(handle -> handle.createQuery("""
                SELECT user_id, user_type, sum(total_listing_views) AS views, sum(total_leads_generated) AS leads,
                       sum(profile_views) AS profile, sum(listings_created) - sum(listings_deleted) AS listings,
                       sum(total_sales) AS sales
                FROM user_analytics WHERE date BETWEEN :from AND :to
                GROUP BY user_id, user_type ORDER BY views DESC, user_id LIMIT 8""")
                .bind("from", from).bind("to", to)
                .map((rs, ctx) -> String.format("  %-12s %-17s %8d %8d %8d %8d %6d", rs.getString(1), rs.getString(2),
                        rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7)))
                .forEach(System.out::println));
        System.out.println("Developments (engagement = interactions / views):");
        System.out.printf("  %-16s %8s %8s %12s %8s %11s%n", "development", "views", "unique*", "interactions",
                "leads", "engagement");
        pipeline.jdbi().useHandle(handle -> handle.createQuery("""
                SELECT development_id, sum(total_views), sum(unique_views), sum(total_interactions), sum(total_leads),
                       analytics_rate(sum(total_interactions), sum(total_views))
                FROM development_analytics WHERE date BETWEEN :from AND :to
                GROUP BY development_id ORDER BY sum(total_views) DESC, development_id LIMIT 6""")
                .bind("from", from).bind("to", to)
                .map((rs, ctx) -> String.format("  %-16s %8d %8d %12d %8d %10s%%", rs.getString(1), rs.getLong(2),
                        rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getBigDecimal(6)))
                .forEach(System.out::println));
        System.out.println("  (* sum of daily uniques; the queries API gives true unions over a range)");
        System.out.println();
    }
}
