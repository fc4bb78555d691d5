package io.github.iskahomes.analytics.browser.site;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iskahomes.analytics.server.AnalyticsServer;
import io.github.iskahomes.analytics.server.BackingStoreProperties;
import io.github.iskahomes.analytics.testing.PostgresExtension;
import io.github.iskahomes.analytics.testing.RedisExtension;
import io.github.iskahomes.analytics.testing.TestPostgres;
import io.github.iskahomes.analytics.testing.TestRedis;
import io.github.iskahomes.analytics.testing.browser.BrowserPage;
import io.github.iskahomes.analytics.testing.browser.ChromiumExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What every browser test of the script starts from: a real Chromium page and the real analytics server (started
 * once per test class, on the class's Redis key prefix and PostgreSQL schema), with the {@link TestSite} filter in
 * its context and a plain page at {@code /elsewhere} to navigate away to. Tests of one class share the server, so
 * each tracks its {@link KnownStream} under ids of its own ({@link #run}) and the site forgets the test before.
 */
@ExtendWith({ChromiumExtension.class, RedisExtension.class, PostgresExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@SpringBootTest(classes = {AnalyticsServer.class, SiteConfiguration.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"analytics.web.admin-token=" + SiteTest.ADMIN_TOKEN,
                "analytics.aggregation.schedule.enabled=false"})
// Each class's Redis prefix and schema end with the class: so does its server.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
abstract class SiteTest {

    static final String ADMIN_TOKEN = "site-admin-token";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Pages.GUARD).build();
    private static final AtomicInteger RUNS = new AtomicInteger();
    private static volatile TestRedis redis;
    private static volatile TestPostgres postgres;

    @Autowired
    TestSite site;
    @Autowired
    private DataSource dataSource;
    @LocalServerPort
    private int port;
    Jdbi jdbi;
    /** This test's prefix of every id it tracks, so the counts of the tests before on this server are not its. */
    String run;

    SiteTest(TestRedis testRedis, TestPostgres testPostgres) {
        redis = testRedis;
        postgres = testPostgres;
    }

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        BackingStoreProperties.register(registry, () -> redis, () -> postgres);
    }

    @BeforeEach
    void startSite() {
        site.reset();
        site.page("/elsewhere", Pages.plain());
        jdbi = Jdbi.create(dataSource);
        run = "r" + RUNS.incrementAndGet() + "-";
    }

    /** {@code http://127.0.0.1:PORT}: the server. */
    String origin() {
        return "http://127.0.0.1:" + port;
    }

    /** The same server under another origin ({@code localhost}): a page there posts cross-origin, with CORS. */
    String otherOrigin() {
        return "http://localhost:" + port;
    }

    /** The known stream under this test's ids. */
    String knownStream() {
        return KnownStream.js(run);
    }

    /** Asserts the known stream, under this test's ids, was counted exactly once. */
    void assertKnownStreamCountedExactlyOnce() {
        KnownStream.assertCountedExactlyOnce(jdbi, run);
    }

    /** Runs the aggregation as a cron would: {@code POST /api/cron/analytics} with the admin token. */
    void aggregate() {
        try {
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(origin() + "/api/cron/analytics"))
                    .timeout(Pages.GUARD).header("Authorization", "Bearer " + ADMIN_TOKEN)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Serves {@link Pages#tracker(String) the tracker page} with {@code options} at /listing and opens it. */
    void openTracker(BrowserPage page, String options) {
        site.page("/listing", Pages.tracker(options));
        page.open(origin() + "/listing");
    }
}
