package io.github.iskahomes.analytics.browser.site;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iskahomes.analytics.testing.TestPostgres;
import io.github.iskahomes.analytics.testing.TestRedis;
import io.github.iskahomes.analytics.testing.browser.BrowserPage;
import io.github.iskahomes.analytics.browser.BrowserScript;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A page tracks a known stream through the typed helpers; PostgreSQL ends up with exactly those counts. The page got
 * the script from the server under its content-hashed name, cached for a year.
 */
class KnownStreamTest extends SiteTest {

    KnownStreamTest(TestRedis redis, TestPostgres postgres) {
        super(redis, postgres);
    }

    @Test
    void everyCounterInPostgresEqualsWhatThePageTrackedThroughTheTypedHelpers(BrowserPage page) {
        // The page is on another origin than the endpoint, as a marketplace's pages and the analytics server are.
        site.page("/listing", Pages.tracker("{ endpoint: '" + origin() + TestSite.INGEST_PATH
                + "', flushIntervalMs: 3600000 }"));
        page.open(otherOrigin() + "/listing");

        List<String> uuids = Pages.track(page, knownStream());
        Map<String, Object> stats = Pages.flush(page);
        aggregate();

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
        assertKnownStreamCountedExactlyOnce();
        assertThat(Pages.errors(page)).isEmpty();
        page.assertNoConsoleErrors();
    }

    @Test
    @SuppressWarnings("unchecked")
    void thePageGetsTheContentHashedScriptFromTheServerCachedForAYear(BrowserPage page) throws Exception {
        openTracker(page, "{ endpoint: '" + TestSite.INGEST_PATH + "', flushIntervalMs: 3600000 }");

        // What the browser fetched, as its Performance API saw it: the hashed name, from this server, answered 200.
        List<String> loaded = (List<String>) page.script("return performance.getEntriesByType('resource')"
                + ".filter(e => e.initiatorType === 'script' && e.responseStatus === 200).map(e => e.name);");
        String url = origin() + "/analytics/js/" + BrowserScript.classic().fileName();
        assertThat(loaded).containsExactly(url);
        assertThat(BrowserScript.classic().fileName()).matches("analytics\\.[0-9a-f]{10}\\.js");
        HttpResponse<byte[]> script = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Pages.GUARD).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
        // Tomcat writes the type without the space BrowserScript.CONTENT_TYPE has.
        assertThat(script.headers().firstValue("Content-Type")).hasValue("text/javascript;charset=utf-8");
        assertThat(script.body()).isEqualTo(BrowserScript.classic().bytes());
        assertThat(page.script("return typeof IskaAnalytics.createAnalytics;")).isEqualTo("function");
        page.assertNoConsoleErrors();
    }
}
