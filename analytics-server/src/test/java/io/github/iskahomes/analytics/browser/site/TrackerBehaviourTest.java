package io.github.iskahomes.analytics.browser.site;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iskahomes.analytics.browser.BrowserScript;
import io.github.iskahomes.analytics.browser.site.TestSite.Delivery;
import io.github.iskahomes.analytics.core.EventType;
import io.github.iskahomes.analytics.testing.TestPostgres;
import io.github.iskahomes.analytics.testing.TestRedis;
import io.github.iskahomes.analytics.testing.browser.BrowserPage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The tracker's rules, each seen from the server's side: when it sends, what it keeps, what it refuses. */
class TrackerBehaviourTest extends SiteTest {

    TrackerBehaviourTest(TestRedis redis, TestPostgres postgres) {
        super(redis, postgres);
    }

    private static final String ENDPOINT = "endpoint: '/api/ingest/posthog'";

    private void open(BrowserPage page, String options) {
        openTracker(page, "{ " + ENDPOINT + ", " + options + " }");
    }

    private static String views(int count) {
        // The result is a fresh ArrayList (Selenium's), so tests may add to it.
        return "const u = []; for (let i = 0; i < " + count + "; i++)"
                + " u.push(tracker.trackPropertyView({ listing_id: 'L1', seeker_id: 's' + i })); return u;";
    }

    @Test
    void twoHundredEventsLeaveInOneRequestWithoutWaitingForTheTimer(BrowserPage page) {
        open(page, "flushIntervalMs: 3600000");

        List<String> uuids = Pages.track(page, views(199));
        assertThat(Pages.stats(page)).containsEntry("queued", 199L);
        uuids.addAll(Pages.track(page, views(1)));
        page.waitUntil("the 200th event's request", Pages.GUARD, d -> site.deliveries().isEmpty() ? null : true);

        assertThat(site.deliveries()).hasSize(1);
        assertThat(site.deliveries().get(0).uuids()).isEqualTo(uuids);
        assertThat(site.deliveries().get(0).ingested()).isEqualTo(200);
        page.assertNoConsoleErrors();
    }

    @Test
    void fewerEventsLeaveWhenTheTimerComesRound(BrowserPage page) {
        open(page, "flushIntervalMs: 3000");

        List<String> uuids = Pages.track(page, views(3));
        page.waitUntil("the timer's request", Pages.GUARD, d -> site.deliveries().isEmpty() ? null : true);

        assertThat(site.deliveries()).singleElement().satisfies(d -> {
            assertThat(d.uuids()).containsExactlyElementsOf(uuids);
            assertThat(d.beacon()).isFalse();
        });
        page.assertNoConsoleErrors();
    }

    @Test
    void theBufferDropsTheOldestBeyondItsBoundsAndCountsThem(BrowserPage page) {
        // Consent pending: nothing leaves, so the bounds decide alone what is kept.
        open(page, "requireConsent: true, maxQueue: 10");

        List<String> uuids = Pages.track(page, views(15));
        assertThat(Pages.stats(page)).containsEntry("dropped", 5L).containsEntry("queued", 10L);
        Map<String, Object> afterOptIn = asMap(page.asyncScript(
                "const done = arguments[arguments.length - 1]; tracker.optIn().then(() => done(tracker.stats()));"));

        assertThat(site.receivedUuids()).containsExactlyElementsOf(uuids.subList(5, 15));
        assertThat(afterOptIn).containsEntry("sent", 10L).containsEntry("dropped", 5L);
        page.assertNoConsoleErrors();
    }

    @Test
    void theByteBoundDropsTheOldestToo(BrowserPage page) {
        open(page, "requireConsent: true, maxQueueBytes: 1000");

        List<String> uuids = Pages.track(page, views(12));
        long kept = (Long) Pages.stats(page).get("queued");
        page.asyncScript("const done = arguments[arguments.length - 1]; tracker.optIn().then(done);");

        // One event is 213 or 214 bytes of JSON here (a 36-character distinct_id and uuid): four fit in 1000.
        assertThat(kept).isEqualTo(4L);
        assertThat(Pages.stats(page)).containsEntry("dropped", 8L);
        assertThat(site.receivedUuids()).containsExactlyElementsOf(uuids.subList(8, 12));
    }

    @Test
    void trackedEventsAreStoredUntilTheServerConfirmsThem(BrowserPage page) {
        open(page, "flushIntervalMs: 3600000");
        List<String> uuids = Pages.track(page, views(3));
        String stored = "Object.keys(localStorage).filter(k => k.startsWith('iska_analytics_q:'))"
                + ".flatMap(k => JSON.parse(localStorage.getItem(k)).map(e => e.uuid))";

        page.waitFor("the stored copy", stored + ".length == 3", Pages.GUARD);
        assertThat(page.script("return " + stored + ";")).isEqualTo(uuids);
        Pages.flush(page);
        assertThat(page.script("return " + stored + ";")).isEqualTo(List.of());
    }

    @Test
    void nothingIsSentOrStoredBeforeOptInNotEvenOnTheWayOut(BrowserPage page) {
        open(page, "requireConsent: true");
        Pages.track(page, views(3));
        Pages.flush(page);
        assertThat(page.script("return localStorage.length;")).isEqualTo(0L);

        page.open(origin() + "/elsewhere");
        // A page that posts one event of its own: when it has arrived, so would have a beacon sent before it.
        site.page("/probe", Pages.tracker("{ " + ENDPOINT + ", flushIntervalMs: 3600000 }"));
        page.open(origin() + "/probe");
        List<String> probe = Pages.track(page, views(1));
        Pages.flush(page);

        assertThat(site.receivedUuids()).containsExactlyElementsOf(probe);
        page.assertNoConsoleErrors();
    }

    @Test
    void afterOptOutNothingIsTrackedAndTheStoredCopyIsGone(BrowserPage page) {
        open(page, "flushIntervalMs: 3600000");
        Pages.track(page, views(2));
        page.script("document.dispatchEvent(new Event('visibilitychange'));"); // visible: a no-op

        page.script("tracker.optOut();");
        Object uuid = page.script("return tracker.trackPropertyView({ listing_id: 'L1', seeker_id: 's1' });");
        Pages.flush(page);

        assertThat(uuid).isNull();
        assertThat(Pages.stats(page)).containsEntry("queued", 0L);
        assertThat(page.script("return Object.keys(localStorage).length;")).isEqualTo(0L);
        assertThat(site.deliveries()).isEmpty();
    }

    @Test
    void doNotTrackIsRespectedWhenThePageAsksForIt(BrowserPage page) {
        String dnt = "<script>Object.defineProperty(navigator, 'doNotTrack', { get: () => '1' });</script>";
        site.page("/respecting", Pages.tracker("{ " + ENDPOINT + ", respectDoNotTrack: true }", dnt));
        site.page("/ignoring", Pages.tracker("{ " + ENDPOINT + " }", dnt));

        page.open(origin() + "/respecting");
        Object respected = page.script("return tracker.trackPropertyView({ listing_id: 'L1', seeker_id: 's1' });");
        assertThat(respected).isNull();
        assertThat(Pages.flush(page)).containsEntry("queued", 0L).containsEntry("sent", 0L);

        page.open(origin() + "/ignoring");
        Object tracked = page.script("return tracker.trackPropertyView({ listing_id: 'L1', seeker_id: 's1' });");
        Pages.flush(page);
        assertThat(site.receivedUuids()).containsExactly((String) tracked);
    }

    @Test
    void noCookieIsSetOrSent(BrowserPage page) {
        open(page, "flushIntervalMs: 3600000");
        // The host's own cookie on this origin: fetch must not carry it (beacons are the browser's business).
        page.script("document.cookie = 'host_session=abc; path=/';");
        Pages.track(page, views(2));
        Pages.flush(page);

        assertThat(page.script("return document.cookie;")).isEqualTo("host_session=abc");
        assertThat(site.deliveries()).extracting(Delivery::cookie).containsExactly(false);
    }

    @Test
    void theDistinctIdIsTheGivenOneThenTheIdentifiedOne(BrowserPage page) {
        open(page, "flushIntervalMs: 3600000, distinctId: 'visitor-7'");
        page.script("tracker.trackUserLoggedIn({ user_type: 'agent' }); tracker.identify('agent-1');"
                + "tracker.trackUserLoggedOut({ user_type: 'agent' });");
        Pages.flush(page);

        assertThat(site.receivedDistinctIds()).containsExactlyInAnyOrder("visitor-7", "agent-1");
    }

    @Test
    void anAnonymousIdIsKeptAcrossPagesWhenStorageIsAllowed(BrowserPage page) {
        open(page, "flushIntervalMs: 3600000");
        page.script("tracker.trackPropertyView({ listing_id: 'L1' });");
        Pages.flush(page);
        page.open(origin() + "/listing");
        page.script("tracker.trackPropertyView({ listing_id: 'L1' });");
        Pages.flush(page);

        assertThat(site.receivedDistinctIds()).singleElement().asString().hasSize(36);
    }

    @Test
    void everyCataloguedTypeHasItsHelperWhichRefusesAnEventWithoutARequiredProperty(BrowserPage page) {
        open(page, "flushIntervalMs: 3600000");
        List<String> expectedErrors = new ArrayList<>();
        int refused = 0;
        for (EventType type : EventType.values()) {
            String helper = helperName(type);
            assertThat(page.script("return typeof tracker." + helper + ";")).as(helper).isEqualTo("function");
            for (String property : type.requiredProperties()) {
                Object result = page.script("return tracker." + helper + "(" + propertiesWithout(type, property) + ");");
                assertThat(result).as(helper + " without " + property).isNull();
                expectedErrors.add(type.wireName() + ": " + property + " is missing");
                refused++;
            }
            Object uuid = page.script("return tracker." + helper + "(" + propertiesWithout(type, null) + ");");
            assertThat(uuid).as(helper).asString()
                    .matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        }
        // No helper for a type the catalogue lacks: the catalogue's helpers, trackLead and track, nothing else.
        @SuppressWarnings("unchecked")
        List<String> helpers = (List<String>) page.script(
                "return Object.keys(tracker).filter(k => k.startsWith('track')).sort();");
        List<String> expected = new ArrayList<>(List.of("track", "trackLead"));
        for (EventType type : EventType.values()) {
            expected.add(helperName(type));
        }
        assertThat(helpers).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(page.script("return tracker.trackLead('fax', { listing_id: 'L1' });")).isNull();
        expectedErrors.add("lead kind \"fax\" is not one of phone, message, email, appointment");
        assertThat(page.script("return tracker.track('', {});")).isNull();
        expectedErrors.add("event name is missing");

        Map<String, Object> stats = Pages.flush(page);
        assertThat(Pages.errors(page)).as("each refusal told to onError, nothing thrown").isEqualTo(expectedErrors);
        assertThat(stats).as("every helper's event accepted by the server").containsEntry("rejected", refused + 2L)
                .containsEntry("sent", (long) EventType.values().length);
        assertThat(site.receivedUuids()).hasSize(EventType.values().length);
        page.assertNoConsoleErrors();
    }

    @Test
    void theEsModuleBuildTracksLikeTheClassicOne(BrowserPage page) {
        site.page("/module", "<!doctype html><html><head><meta charset=\"utf-8\"><link rel=\"icon\" href=\"data:,\">"
                + "</head><body><script type=\"module\">import { createAnalytics } from '/analytics/js/"
                + BrowserScript.module().fileName() + "';\nwindow.tracker = createAnalytics({ " + ENDPOINT
                + ", flushIntervalMs: 3600000 });</script></body></html>");
        page.open(origin() + "/module");
        page.waitFor("the module", "window.tracker", Pages.GUARD);

        List<String> uuids = Pages.track(page, views(2));
        Pages.flush(page);

        assertThat(site.receivedUuids()).containsExactlyElementsOf(uuids);
        page.assertNoConsoleErrors();
    }

    static String helperName(EventType type) {
        StringBuilder name = new StringBuilder("track");
        for (String part : type.wireName().split("_")) {
            name.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1));
        }
        return name.toString();
    }

    /** A JS object literal with every required property of {@code type} but {@code left} (valid values). */
    private static String propertiesWithout(EventType type, String left) {
        StringBuilder js = new StringBuilder("{ seeker_id: 's1'");
        for (String property : type.requiredProperties()) {
            if (!property.equals(left)) {
                String value = property.endsWith("_type") ? "agent" : "X1";
                js.append(", ").append(property).append(": '").append(value).append("'");
            }
        }
        return js.append(" }").toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value) {
        return (Map<String, Object>) value;
    }
}
