package io.github.iskahomes.analytics.browser.site;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iskahomes.analytics.browser.site.TestSite.Delivery;
import io.github.iskahomes.analytics.testing.TestPostgres;
import io.github.iskahomes.analytics.testing.TestRedis;
import io.github.iskahomes.analytics.testing.browser.BrowserPage;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** A server whose ingest endpoint requires a webhook secret: a wrong one is refused for good, the right one travels. */
@TestPropertySource(properties = "analytics.ingest.webhook-secret=the-right-secret")
class SecretTest extends SiteTest {

    SecretTest(TestRedis redis, TestPostgres postgres) {
        super(redis, postgres);
    }

    @Test
    void aWrongSecretIs401AndThoseEventsAreNotRetried(BrowserPage page) {
        openTracker(page, DeliveryTest.NO_TIMER.replace(" }", ", secret: 'a-wrong-secret' }"));
        page.script("tracker.trackPropertyView({ listing_id: 'L1', seeker_id: 's1' });");

        Map<String, Object> stats = Pages.flush(page);

        assertThat(stats).containsEntry("sent", 0L).containsEntry("rejected", 1L).containsEntry("retries", 0L)
                .containsEntry("queued", 0L);
        assertThat(site.deliveries()).extracting(Delivery::status).containsExactly(401);
        assertThat(Pages.errors(page)).containsExactly("the server refused 1 event(s) with 401: "
                + "{\"success\":false,\"error\":\"the webhook secret is wrong\"}");
        page.assertNoConsoleErrorsExcept(DeliveryTest::aFailedRequestOfThisTest);
    }

    @Test
    void theRightSecretTravelsInTheBodySoBeaconsCarryItToo(BrowserPage page) {
        openTracker(page, DeliveryTest.NO_TIMER.replace(" }", ", secret: 'the-right-secret' }"));
        page.script("tracker.trackPropertyView({ listing_id: 'L1', seeker_id: 's1' });");
        Pages.flush(page);
        page.script("tracker.trackPropertyView({ listing_id: 'L1', seeker_id: 's2' });");
        page.open(origin() + "/elsewhere");
        page.waitUntil("the beacon", Pages.GUARD, d -> site.deliveries().size() >= 2 ? true : null);

        assertThat(site.deliveries()).extracting(Delivery::status).containsExactly(200, 200);
        assertThat(site.deliveries()).extracting(Delivery::beacon).containsExactly(false, true);
        page.assertNoConsoleErrors();
    }
}
