package consumer;

import io.github.iskahomes.analytics.batcher.EventBatcher;
import io.github.iskahomes.analytics.batcher.IngestorSink;
import io.github.iskahomes.analytics.batcher.SendResult;
import io.github.iskahomes.analytics.jdbc.AggregationResult;
import io.github.iskahomes.analytics.jdbc.Aggregator;
import io.github.iskahomes.analytics.jdbc.AnalyticsQueries;
import io.github.iskahomes.analytics.jdbc.Grain;
import io.github.iskahomes.analytics.jdbc.PeriodTotals;
import io.github.iskahomes.analytics.jdbc.Schema;
import io.github.iskahomes.analytics.redis.IngestResult;
import io.github.iskahomes.analytics.redis.Ingestor;
import io.github.iskahomes.analytics.redis.IngestorConfig;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.postgresql.ds.PGSimpleDataSource;

/** What a user's app does with the published modules: track, ingest into Redis, aggregate into PostgreSQL, read. */
public final class Main {
    public static void main(String[] args) throws Exception {
        String run = args[0]; // module-path or class-path: each run has its own keys and listing
        String listing = "listing-" + run;
        String redisUrl = System.getenv("ANALYTICS_REDIS_URL");
        String keyPrefix = System.getenv("ANALYTICS_KEY_PREFIX") + run + ":";
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(System.getenv("ANALYTICS_JDBC_URL"));
        dataSource.setUser(System.getenv("ANALYTICS_JDBC_USER"));
        dataSource.setPassword(System.getenv("ANALYTICS_JDBC_PASSWORD"));

        Schema.migrate(dataSource);
        try (Ingestor ingestor = Ingestor.connect(redisUrl, IngestorConfig.builder().keyPrefix(keyPrefix).build())) {
            IngestorSink sink = IngestorSink.of(events -> rejections(ingestor.ingest(events)));
            try (EventBatcher batcher = EventBatcher.builder().sink(sink).build()) {
                for (String seeker : List.of("seeker-1", "seeker-2", "seeker-1")) {
                    batcher.track("property_view", seeker, Map.of("listing_id", listing, "lister_id", "agent-7",
                            "lister_type", "agent", "viewed_from", "search"));
                }
            }
            AggregationResult result = Aggregator.create(dataSource, ingestor.reader()).run();
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            List<PeriodTotals> totals = AnalyticsQueries.create(dataSource, ingestor.reader()::unionCount)
                    .listing(listing, today, today, Grain.DAY);
            long views = totals.isEmpty() ? 0 : totals.get(0).counter("total_views");
            long unique = totals.isEmpty() ? 0 : totals.get(0).unique("unique_views");
            System.out.println("CONSUMER " + (views == 3 && unique == 2 ? "OK" : "WRONG") + " on the " + run
                    + ": total_views=" + views
                    + " unique_views=" + unique + " run=" + result.toJson());
            if (views != 3 || unique != 2) {
                System.exit(1);
            }
        }
    }

    /** The ingestor's rejections in the batcher's terms, so that the batcher counts them as rejected, not sent. */
    private static List<SendResult.Rejection> rejections(IngestResult result) {
        return result.rejected().stream()
                .map(rejection -> new SendResult.Rejection(rejection.index(), rejection.reason()))
                .toList();
    }
}
