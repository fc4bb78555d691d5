package io.github.iskahomes.analytics.browser.site;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iskahomes.analytics.browser.site.TestSite.Delivery;
import io.github.iskahomes.analytics.browser.site.TestSite.Fault;
import io.github.iskahomes.analytics.testing.TestPostgres;
import io.github.iskahomes.analytics.testing.TestRedis;
import io.github.iskahomes.analytics.testing.browser.BrowserPage;
import io.github.iskahomes.analytics.testing.browser.ConsoleEntry;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How events leave the page: beacons on the way out, retries through an outage, the stored copy across a reload. */
class DeliveryTest extends SiteTest {

    DeliveryTest(TestRedis redis, TestPostgres postgres) {
        super(redis, postgres);
    }

    /** No timer flush during the test: what leaves, leaves for the reason the test gives it. */
    static final String NO_TIMER = "{ endpoint: '/api/ingest/posthog', flushIntervalMs: 3600000 }";

    /** Tracks the known stream on a tracker page without timer flushes; returns its uuids. */
    private List<String> trackTheKnownStream(BrowserPage page) {
        openTracker(page, NO_TIMER);
        return Pages.track(page, knownStream());
    }

    @Test
    void theLastEventsLeaveThroughSendBeaconWhenThePageNavigatesAway(BrowserPage page) {
        List<String> uuids = trackTheKnownStream(page);
        assertThat(Pages.stats(page)).containsEntry("queued", 44L);

        page.open(origin() + "/elsewhere");
        page.waitUntil("the beacon", Pages.GUARD, d -> site.receivedUuids().size() >= 44 ? true : null);
        aggregate();

        assertThat(site.deliveries()).allSatisfy(d -> {
            assertThat(d.beacon()).as("sent by navigator.sendBeacon").isTrue();
            assertThat(d.status()).isEqualTo(200);
        });
        assertThat(site.receivedUuids()).containsExactlyInAnyOrderElementsOf(uuids);
        assertKnownStreamCountedExactlyOnce();
        page.assertNoConsoleErrors();
    }

    @Test
    void aBeaconLostOnTheWayIsSentAgainByTheNextPageAndCountedOnce(BrowserPage page) {
        List<String> uuids = trackTheKnownStream(page);
        site.fail(Fault.UNAVAILABLE, 1);

        // The beacon meets a 503 the page never learns of; the copy in localStorage is still there.
        page.open(origin() + "/elsewhere");
        page.waitUntil("the refused beacon", Pages.GUARD, d -> site.deliveries().size() >= 1 ? true : null);
        page.open(origin() + "/listing");
        Map<String, Object> stats = Pages.flush(page);
        aggregate();

        assertThat(site.deliveries()).extracting(Delivery::status).containsExactly(503, 200);
        assertThat(site.deliveries().get(1).uuids()).containsExactlyInAnyOrderElementsOf(uuids);
        assertThat(stats).containsEntry("sent", 44L).containsEntry("queued", 0L);
        assertKnownStreamCountedExactlyOnce();
        assertThat(page.script("return Object.keys(localStorage).filter(k => k.startsWith('iska_analytics_q:'));"))
                .as("nothing left to send").isEqualTo(List.of());
    }

    @Test
    void aBeaconThatArrivedIsSentAgainByTheNextPageAndTheServerDropsTheDuplicates(BrowserPage page) {
        List<String> uuids = trackTheKnownStream(page);

        page.open(origin() + "/elsewhere");
        page.waitUntil("the beacon", Pages.GUARD, d -> site.receivedUuids().size() >= 44 ? true : null);
        page.open(origin() + "/listing");
        Pages.flush(page);
        aggregate();

        List<Delivery> deliveries = site.deliveries();
        assertThat(deliveries).hasSize(2);
        assertThat(deliveries.get(0).ingested()).isEqualTo(44);
        assertThat(deliveries.get(1).duplicates()).as("the stored copy, recognised by uuid").isEqualTo(44);
        assertThat(deliveries.get(1).uuids()).containsExactlyInAnyOrderElementsOf(uuids);
        assertKnownStreamCountedExactlyOnce();
        page.assertNoConsoleErrors();
    }

    @Test
    void withTheServerAnswering503ForAWhileNothingIsLostAndNothingIsCountedTwice(BrowserPage page) {
        openTracker(page, "{ endpoint: '/api/ingest/posthog', flushIntervalMs: 3600000,"
                + " flushAt: 20, retryBaseMs: 50, retryMaxMs: 200 }");
        // Down (503, Retry-After: 1), then answers lost after the events were applied, then connections reset.
        site.fail(Fault.UNAVAILABLE, 3);
        site.fail(Fault.INGESTED_THEN_UNAVAILABLE, 2);
        site.fail(Fault.CONNECTION_RESET, 2);
        List<String> uuids = Pages.track(page, knownStream());
        Map<String, Object> stats = Pages.flush(page);
        aggregate();

        List<Delivery> deliveries = site.deliveries();
        assertThat(deliveries).extracting(Delivery::status).containsExactly(503, 503, 503, 503, 503, 0, 0, 200, 200,
                200);
        assertThat(deliveries.get(3).ingested()).as("applied, then the answer was lost").isEqualTo(20);
        assertThat(deliveries.get(4).duplicates()).as("the retry of the lost answer").isEqualTo(20);
        assertThat(deliveries.get(7).duplicates()).as("the first batch, at last answered").isEqualTo(20);
        assertThat(deliveries).extracting(d -> d.uuids().size()).containsExactly(20, 20, 20, 20, 20, 0, 0, 20, 20, 4);
        assertThat(deliveries.stream().mapToInt(Delivery::ingested).sum()).isEqualTo(44);
        assertThat(new HashSet<>(site.receivedUuids())).containsExactlyInAnyOrderElementsOf(uuids);
        assertThat(stats).containsEntry("sent", 44L).containsEntry("queued", 0L).containsEntry("dropped", 0L)
                .containsEntry("rejected", 0L);
        // 5 answered failures and 2 resets; Chromium itself retries a request whose reused connection closed
        // without an answer, so the page may see only one of the two resets.
        assertThat((Long) stats.get("retries")).isBetween(6L, 7L);
        assertKnownStreamCountedExactlyOnce();
        // Chromium itself logs every failed request; those are the test's doing, nothing else may be there.
        page.assertNoConsoleErrorsExcept(DeliveryTest::aFailedRequestOfThisTest);
        assertThat(Pages.errors(page)).isEmpty();
    }

    @Test
    void aRefusalIsNeverRetriedAndIsReportedToThePage(BrowserPage page) {
        openTracker(page, NO_TIMER);
        // A listing id with a brace passes the page's check (it is there) and is refused by the server's rules.
        page.script("tracker.trackPropertyView({ listing_id: 'L{1}', seeker_id: 's1' });"
                + "tracker.trackPropertyView({ listing_id: 'L1', seeker_id: 's1' });");

        Map<String, Object> stats = Pages.flush(page);

        assertThat(stats).containsEntry("sent", 1L).containsEntry("rejected", 1L).containsEntry("retries", 0L);
        assertThat(Pages.errors(page)).containsExactly(
                "1 event(s) rejected: listing_id has '{', which ids may not contain");
        assertThat(site.deliveries()).hasSize(1);
        page.assertNoConsoleErrors();
    }

    static boolean aFailedRequestOfThisTest(ConsoleEntry entry) {
        return entry.message().contains(TestSite.INGEST_PATH) && (entry.message().contains("Failed to load resource")
                || entry.message().contains("net::ERR_"));
    }
}
