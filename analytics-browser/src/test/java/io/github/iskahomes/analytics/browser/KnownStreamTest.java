package io.github.iskahomes.analytics.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iskahomes.analytics.testing.browser.BrowserPage;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A page tracks a known stream through the typed helpers; PostgreSQL ends up with exactly those counts. */
class KnownStreamTest extends SiteTest {

    @Test
    void everyCounterInPostgresEqualsWhatThePageTrackedThroughTheTypedHelpers(BrowserPage page) {
        // The page is on another origin than the endpoint, as a marketplace's pages and the analytics server are.
        site.page("/listing", Pages.tracker("{ endpoint: '" + site.origin() + TestSite.INGEST_PATH
                + "', flushIntervalMs: 3600000 }"));
        page.open(site.otherOrigin() + "/listing");

        List<String> uuids = Pages.track(page, KnownStream.JS);
        Map<String, Object> stats = Pages.flush(page);
        site.aggregator.run();

        assertThat(uuids).hasSize(KnownStream.EVENTS).doesNotContainNull();
        assertThat(new HashSet<>(uuids)).hasSize(KnownStream.EVENTS);
        assertThat(uuids).allSatisfy(uuid -> assertThat(java.util.UUID.fromString(uuid).version()).isEqualTo(7));
        assertThat(stats).containsEntry("sent", 44L).containsEntry("queued", 0L).containsEntry("rejected", 0L)
                .containsEntry("dropped", 0L).containsEntry("retries", 0L);
        assertThat(site.receivedUuids()).containsExactlyElementsOf(uuids);
        assertThat(site.deliveries()).singleElement().satisfies(d -> {
            assertThat(d.status()).isEqualTo(200);
            assertThat(d.ingested()).isEqualTo(44);
            assertThat(d.fetchMode()).isEqualTo("cors");
            assertThat(d.gzipped()).as("gzipped by CompressionStream").isTrue();
            assertThat(d.compression()).isEqualTo("gzip-js");
        });
        KnownStream.assertCountedExactlyOnce(site.jdbi);
        assertThat(Pages.errors(page)).isEmpty();
        page.assertNoConsoleErrors();
    }
}
