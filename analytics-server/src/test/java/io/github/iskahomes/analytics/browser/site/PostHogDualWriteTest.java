package io.github.iskahomes.analytics.browser.site;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.testing.TestPostgres;
import io.github.iskahomes.analytics.testing.TestRedis;
import io.github.iskahomes.analytics.testing.browser.BrowserPage;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** posthog-js itself on the page: each event goes to PostHog and to the ingest endpoint with the same uuid. */
class PostHogDualWriteTest extends SiteTest {

    PostHogDualWriteTest(TestRedis redis, TestPostgres postgres) {
        super(redis, postgres);
    }

    private final PostHogRecorder posthog = new PostHogRecorder();

    @AfterEach
    void stopRecorder() {
        posthog.close();
    }

    @Test
    void postHogReceivesEveryEventWithTheSameUuidsAndTheSameDistinctId(BrowserPage page) {
        // posthog-js drops the events of a HeadlessChrome user agent as a bot's unless told, as its warning says.
        String head = "<script src=\"/posthog/array.no-external.js\"></script><script>"
                + "posthog.init('phc_browser_test', { api_host: '" + posthog.url() + "', autocapture: false,"
                + " capture_pageview: false, capture_pageleave: false, disable_session_recording: true,"
                + " advanced_disable_flags: true, disable_surveys: true, persistence: 'memory',"
                + " opt_out_useragent_filter: true });</script>";
        site.page("/listing", Pages.tracker("{ endpoint: '/api/ingest/posthog', flushIntervalMs: 3600000 }", head));
        page.open(origin() + "/listing");

        List<String> uuids = Pages.track(page, knownStream());
        Map<String, Object> stats = Pages.flush(page);
        page.waitUntil("posthog-js delivering the 44 events", Pages.GUARD,
                d -> ours(posthog.events()).size() >= KnownStream.EVENTS ? true : null);
        aggregate();

        List<Event> captured = ours(posthog.events());
        assertThat(captured).extracting(Event::uuid).containsExactlyInAnyOrderElementsOf(uuids);
        assertThat(site.receivedUuids()).containsExactlyElementsOf(uuids);
        String distinctId = (String) page.script("return posthog.get_distinct_id();");
        assertThat(captured).extracting(Event::distinctId).containsOnly(distinctId);
        assertThat(site.receivedDistinctIds()).containsOnly(distinctId);
        // The same name and properties on both sides: PostHog's copy has the page's properties among its own.
        Event view = captured.stream().filter(e -> e.uuid().equals(uuids.get(0))).findFirst().orElseThrow();
        assertThat(view.name()).isEqualTo("property_view");
        assertThat(view.properties()).containsEntry("listing_id", run + "L1").containsEntry("seeker_id", "s0")
                .containsEntry("viewed_from", "home");
        assertThat(stats).containsEntry("sent", 44L);
        assertKnownStreamCountedExactlyOnce();
        assertThat(page.script("return document.cookie;")).isEqualTo("");
        assertThat(Pages.errors(page)).isEmpty();
        page.assertNoConsoleErrors();
    }

    /** The catalogued events, without what posthog-js adds by itself ($pageview, $opt_in...). */
    private static List<Event> ours(List<Event> events) {
        Set<String> names = java.util.Arrays.stream(io.github.iskahomes.analytics.core.EventType.values())
                .map(io.github.iskahomes.analytics.core.EventType::wireName).collect(Collectors.toSet());
        return events.stream().filter(e -> names.contains(e.name())).collect(Collectors.toList());
    }
}
