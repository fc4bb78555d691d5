package io.github.iskahomes.analytics.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iskahomes.analytics.batcher.SinkStats;
import io.github.iskahomes.analytics.core.BusinessCalendar;
import io.github.iskahomes.analytics.examples.Pipeline;
import io.github.iskahomes.analytics.redis.IngestorConfig;
import io.github.iskahomes.analytics.server.BackingStores;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's demo at a small size: the verdict holds, and the verification does catch a wrong total. */
class DemoTest {

    @Test
    void demoVerifiesEveryTotalAndCatchesATamperedOne() throws Exception {
        BusinessCalendar calendar = BusinessCalendar.UTC;
        try (BackingStores stores = BackingStores.start();
             Pipeline pipeline = Pipeline.start(stores, IngestorConfig.defaults(), 0)) {
            assertThat(Demo.run(pipeline, calendar, 4_000, 2, 11, System.nanoTime())).isTrue();

            pipeline.jdbi().useHandle(handle -> handle.execute("""
                    UPDATE listing_analytics SET total_views = total_views + 1
                    WHERE (listing_id, date) = (SELECT listing_id, date FROM listing_analytics
                                                ORDER BY total_views DESC, listing_id LIMIT 1)"""));
            TrafficSimulator again = new TrafficSimulator(TrafficSimulator.Options.of(4_000, 2, 11), calendar,
                    java.time.Instant.now());
            again.run(event -> { });
            LocalDate today = calendar.dayOf(java.time.Instant.now());
            List<String> problems = new Verification(pipeline, again.expected(), today.minusDays(1), today)
                    .check(Map.of(), new SinkStats("http", 4_000, 4_000, 0, 0, 0, 0, 0));

            assertThat(problems).anySatisfy(problem -> assertThat(problem)
                    .contains("total_views").contains("PostgreSQL has"));
        }
    }
}
