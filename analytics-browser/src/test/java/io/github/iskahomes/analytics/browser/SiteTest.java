package io.github.iskahomes.analytics.browser;

import io.github.iskahomes.analytics.testing.PostgresExtension;
import io.github.iskahomes.analytics.testing.RedisExtension;
import io.github.iskahomes.analytics.testing.TestPostgres;
import io.github.iskahomes.analytics.testing.TestRedis;
import io.github.iskahomes.analytics.testing.browser.BrowserPage;
import io.github.iskahomes.analytics.testing.browser.ChromiumExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What every browser test of the script starts from: a real Chromium page, and a {@link TestSite} of its own on
 * the test's Redis key prefix and PostgreSQL schema, with a plain page at {@code /elsewhere} to navigate away to.
 */
@ExtendWith({ChromiumExtension.class, RedisExtension.class, PostgresExtension.class})
abstract class SiteTest {

    TestSite site;

    @BeforeEach
    void startSite(TestRedis redis, TestPostgres postgres) {
        site = new TestSite(redis, postgres);
        site.page("/elsewhere", Pages.plain());
    }

    @AfterEach
    void stopSite() {
        site.close();
    }

    /** Serves {@link Pages#tracker(String) the tracker page} with {@code options} at /listing and opens it. */
    void openTracker(BrowserPage page, String options) {
        site.page("/listing", Pages.tracker(options));
        page.open(site.origin() + "/listing");
    }
}
