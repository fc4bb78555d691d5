package io.github.iskahomes.analytics.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.iskahomes.analytics.batcher.BatcherConfig;
import io.github.iskahomes.analytics.batcher.EventBatcher;
import io.github.iskahomes.analytics.batcher.HttpIngestSink;
import io.github.iskahomes.analytics.batcher.SinkStats;
import io.github.iskahomes.analytics.core.Event;
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
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The dashboard in a real headless Chromium, against a Boot app on the starter with a real Redis and PostgreSQL,
 * after a known event stream sent through the batcher over HTTP and an aggregation: every number a page shows is
 * what was sent, the live panel moves while events arrive, lead changes reach PostgreSQL, and a lister sees only
 * their own listings.
 */
@ExtendWith({RedisExtension.class, PostgresExtension.class, ChromiumExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@SpringBootTest(classes = DashboardTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DashboardBrowserTest {
    private static final String SECRET = "webhook-secret-d";
    private static final String ADMIN = "admin-token-d";
    private static final String TOKEN_A = "token-of-agent-a";
    private static final String TOKEN_B = "token-of-agent-b";
    private static final Duration GUARD = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(GUARD).build();
    /** The aggregated day: yesterday, so the overview's default range (the last 7 days) holds it. */
    private static final LocalDate DAY = LocalDate.now(ZoneOffset.UTC).minusDays(1);
    /** C1's views on each of the six days ending yesterday. */
    private static final int[] C1_VIEWS = {5, 8, 6, 11, 9, 14};
    private static volatile TestRedis redis;
    private static volatile TestPostgres postgres;

    @LocalServerPort
    private int port;

    DashboardBrowserTest(TestRedis testRedis, TestPostgres testPostgres) {
        redis = testRedis;
        postgres = testPostgres;
    }

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        registry.add("analytics.redis.url", () -> redis.uri());
        registry.add("analytics.ingest.key-prefix", () -> redis.keyPrefix());
        registry.add("analytics.ingest.webhook-secret", () -> SECRET);
        registry.add("analytics.web.admin-token", () -> ADMIN);
        registry.add("analytics.dashboard.tokens." + TOKEN_A, () -> "agent-a");
        registry.add("analytics.dashboard.tokens." + TOKEN_B, () -> "agent-b");
        registry.add("analytics.dashboard.live-period", () -> "200ms");
        registry.add("analytics.aggregation.schedule.cron", () -> "0 0 0 1 1 *");
        registry.add("spring.datasource.url", () -> postgres.jdbcUrl());
        registry.add("spring.datasource.username", () -> postgres.user());
        registry.add("spring.datasource.password", () -> postgres.password());
    }

    /**
     * Yesterday: A1 (agent-a) is viewed 6 times by 4 seekers and gets a phone, a message and an email lead; A2
     * (agent-a) 2 views by 2 seekers and an appointment; B1 (agent-b) 4 views, no lead.
     */
    @BeforeAll
    void sendAndAggregate() throws Exception {
        Instant at = DAY.atTime(12, 0).toInstant(ZoneOffset.UTC);
        List<Event> events = new ArrayList<>();
        for (String seeker : List.of("s1", "s1", "s2", "s2", "s3", "s4")) {
            events.add(view("A1", "agent-a", seeker, at));
        }
        events.add(lead("lead_phone", "A1", "agent-a", "s1", at));
        events.add(lead("lead_message", "A1", "agent-a", "s2", at));
        events.add(lead("lead_email", "A1", "agent-a", "s3", at));
        events.add(view("A2", "agent-a", "s5", at));
        events.add(view("A2", "agent-a", "s6", at));
        events.add(lead("lead_appointment", "A2", "agent-a", "s5", at));
        for (String seeker : List.of("s7", "s8", "s9", "s10")) {
            events.add(view("B1", "agent-b", seeker, at));
        }
        // C1 (agent-c) has six days of history: a regular seeker every day plus fresh ones, and a phone lead a day.
        for (int d = 0; d < C1_VIEWS.length; d++) {
            Instant when = DAY.minusDays(C1_VIEWS.length - 1 - d).atTime(10, 0).toInstant(ZoneOffset.UTC);
            events.add(view("C1", "agent-c", "c-regular", when));
            for (int k = 1; k < C1_VIEWS[d]; k++) {
                events.add(view("C1", "agent-c", "c" + d + "-" + k, when));
            }
            events.add(lead("lead_phone", "C1", "agent-c", "c" + d + "-1", when));
        }
        track(events);
        HttpResponse<String> run = send(request("/api/cron/analytics").header("Authorization", "Bearer " + ADMIN)
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(run.statusCode()).as(run.body()).isEqualTo(200);
    }

    @Test
    void theOverviewAndTheListingPageShowExactlyWhatWasSent(BrowserPage page) {
        signIn(page, TOKEN_A);
        page.waitFor("the top listings", "document.querySelectorAll('#top tbody tr').length === 2", GUARD);

        // Only agent-a's listings, ranked by views, with the exact numbers sent.
        assertThat(rows(page, "#top tbody tr", "data-listing")).containsExactly(
                Map.entry("A1", List.of("6", "4", "3", "50.00")),
                Map.entry("A2", List.of("2", "2", "1", "50.00")));

        page.open(base() + "#/listings/A1?from=" + DAY + "&to=" + DAY + "&grain=day");
        page.waitFor("the totals", "document.querySelector('[data-total=total_views] .value')?.textContent === '6'",
                GUARD);
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("total_views", "6");
        expected.put("unique_views", "4");
        expected.put("phone_leads", "1");
        expected.put("message_leads", "1");
        expected.put("email_leads", "1");
        expected.put("appointment_leads", "0");
        expected.put("total_leads", "3");
        expected.put("unique_leads", "3");
        expected.put("conversion_rate", "50.00");
        expected.put("total_sales", "0");
        expected.forEach((metric, value) -> assertThat(text(page, "[data-total=" + metric + "] .value"))
                .as(metric).isEqualTo(value));
        expected.forEach((metric, value) -> assertThat(text(page, "#periods tr[data-period='" + DAY + "'] [data-metric="
                + metric + "]")).as("the day's " + metric).isEqualTo(value));
        assertThat(page.driver().findElements(By.cssSelector("#chart canvas"))).isNotEmpty();
        page.assertNoConsoleErrors();
    }

    @Test
    void anAdminSeesEveryListingAndAWeekOfHistoryWithUniquesAsAUnion(BrowserPage page) {
        signIn(page, ADMIN);
        page.waitFor("every listing", "document.querySelectorAll('#top tbody tr').length === 4", GUARD);
        assertThat(rows(page, "#top tbody tr", "data-listing")).extracting(Map.Entry::getKey)
                .containsExactly("C1", "A1", "B1", "A2");
        List<String> c1 = rows(page, "#top tbody tr", "data-listing").get(0).getValue();
        assertThat(c1.get(0)).isEqualTo("53");
        // 53 views by 48 distinct seekers (the regular one counted once over the six days), within HLL error.
        assertThat(Integer.parseInt(c1.get(1))).isCloseTo(48, within(1));
        assertThat(c1.subList(2, 4)).containsExactly("6", "11.32");

        LocalDate first = DAY.minusDays(C1_VIEWS.length - 1);
        page.open(base() + "#/listings/C1?from=" + first + "&to=" + DAY + "&grain=day");
        page.waitFor("the totals", "document.querySelector('[data-total=total_views] .value')?.textContent === '53'",
                GUARD);
        for (int d = 0; d < C1_VIEWS.length; d++) {
            String row = "#periods tr[data-period='" + first.plusDays(d) + "'] ";
            assertThat(text(page, row + "[data-metric=total_views]")).isEqualTo(String.valueOf(C1_VIEWS[d]));
            assertThat(text(page, row + "[data-metric=unique_views]")).isEqualTo(String.valueOf(C1_VIEWS[d]));
            assertThat(text(page, row + "[data-metric=phone_leads]")).isEqualTo("1");
        }
        assertThat(Integer.parseInt(text(page, "[data-total=unique_views] .value")))
                .isCloseTo(48, within(1));
        assertThat(text(page, "[data-total=conversion_rate] .value")).isEqualTo("11.32");
        page.waitFor("the live panel", "document.querySelector('[data-live=views] .value') !== null", GUARD);

        // The README's picture.
        page.screenshot(Path.of("..", "docs", "dashboard.png"));
        page.assertNoConsoleErrors();
    }

    @Test
    void theLivePanelMovesWhenEventsArriveWithoutAReload(BrowserPage page) throws Exception {
        signIn(page, TOKEN_A);
        page.open(base() + "#/listings/A2");
        // The listing's own stream (not the overview's, which the sign-in opened first), with its first numbers.
        page.waitFor("A2's live numbers", "document.getElementById('live').dataset.scope === 'listings:A2'"
                + " && document.querySelector('[data-live=unique_views] .value')?.textContent === '0'", GUARD);
        assertThat(text(page, "[data-live=views] .value")).isEqualTo("0");
        page.script("window.notReloaded = true;");

        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        track(List.of(view("A2", "agent-a", "t1", now), view("A2", "agent-a", "t2", now),
                view("A2", "agent-a", "t1", now), lead("lead_phone", "A2", "agent-a", "t1", now)));

        page.waitFor("3 views today", "document.querySelector('[data-live=views] .value').textContent === '3'", GUARD);
        assertThat(text(page, "[data-live=unique_views] .value")).isEqualTo("2");
        page.waitFor("1 lead today", "document.querySelector('[data-live=leads] .value').textContent === '1'", GUARD);
        assertThat(page.script("return window.notReloaded === true;")).isEqualTo(true);
        page.assertNoConsoleErrors();
    }

    @Test
    void aStatusChangeAndANoteSurviveAReloadAndAreInPostgres(BrowserPage page) throws Exception {
        signIn(page, TOKEN_A);
        page.open(base() + "#/leads");
        page.waitFor("agent-a's 4 leads", "document.querySelectorAll('#leads tr.lead').length === 4", GUARD);
        WebElement row = leadRow(page, "A1", "s1");
        assertThat(row.findElement(By.cssSelector("[data-metric=total_actions]")).getText()).isEqualTo("1");
        assertThat(row.findElement(By.cssSelector("[data-field=actions]")).getText()).startsWith("phone ");

        new Select(row.findElement(By.cssSelector("select[data-field=status]"))).selectByValue("contacted");
        row.findElement(By.cssSelector("[data-action=save-status]")).click();
        page.waitFor("the status saved", "document.querySelector('#leads .saved')?.textContent === 'saved'", GUARD);
        row.findElement(By.cssSelector("textarea[data-field=note]")).sendKeys("Called back, wants a viewing");
        row.findElement(By.cssSelector("[data-action=add-note]")).click();
        // The table is drawn again after the save: between two drawings the row may be missing or stale.
        page.waitUntil("the note listed", GUARD, driver -> {
            try {
                return findLeadRow(page, "A1", "s1").map(found -> found.findElement(By.cssSelector(
                        "[data-field=notes]")).getText().contains("Called back")).orElse(false);
            } catch (StaleElementReferenceException redrawn) {
                return false;
            }
        });

        page.driver().navigate().refresh();
        page.waitFor("the leads again", "document.querySelectorAll('#leads tr.lead').length === 4", GUARD);
        WebElement reloaded = leadRow(page, "A1", "s1");
        assertThat(new Select(reloaded.findElement(By.cssSelector("select[data-field=status]")))
                .getFirstSelectedOption().getAttribute("value")).isEqualTo("contacted");
        assertThat(reloaded.findElement(By.cssSelector("[data-field=notes]")).getText())
                .isEqualTo("Called back, wants a viewing");

        try (Connection connection = postgres.dataSource().getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT status, notes::text FROM leads"
                     + " WHERE listing_id = 'A1' AND seeker_id = 's1'");
             ResultSet rs = query.executeQuery()) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("contacted");
            assertThat(rs.getString(2)).isEqualTo("[\"Called back, wants a viewing\"]");
        }
        page.assertNoConsoleErrors();
    }

    @Test
    void aListersTokenGets403OnAnotherListersListing(BrowserPage page) throws Exception {
        HttpResponse<String> other = send(request("/api/dashboard/listings/B1")
                .header("Authorization", "Bearer " + TOKEN_A).GET());
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(other.body()).isEqualTo("{\"success\":false,\"error\":\"you may not see listing B1: it belongs to"
                + " another lister\"}");
        HttpResponse<String> own = send(request("/api/dashboard/listings/B1")
                .header("Authorization", "Bearer " + TOKEN_B).GET());
        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(send(request("/api/dashboard/leads").header("Authorization", "Bearer " + TOKEN_A)
                .GET()).body()).doesNotContain("B1");
        assertThat(send(request("/api/dashboard/listings/B1").GET()).statusCode()).isEqualTo(401);

        signIn(page, TOKEN_A);
        page.open(base() + "#/listings/B1");
        page.waitFor("the refusal", "document.querySelector('[data-error]')?.textContent.length > 0", GUARD);
        assertThat(text(page, "[data-error]")).isEqualTo("you may not see listing B1: it belongs to another lister");
        assertThat(page.driver().findElement(By.cssSelector("[data-error]")).getAttribute("data-error"))
                .isEqualTo("403");
        // The browser logs the refused fetch itself; nothing else may be in the console.
        page.assertNoConsoleErrorsExcept(entry -> entry.message().contains("status of 403"));
    }

    private void signIn(BrowserPage page, String token) {
        page.open(base());
        page.waitFor("the sign-in form", "!document.getElementById('signin').hidden", GUARD);
        page.driver().findElement(By.id("token")).sendKeys(token);
        page.driver().findElement(By.cssSelector("#signin button")).click();
        page.waitFor("signed in", "document.getElementById('who').textContent.length > 0", GUARD);
    }

    private String base() {
        return "http://127.0.0.1:" + port + "/analytics/";
    }

    private static String text(BrowserPage page, String css) {
        return page.driver().findElement(By.cssSelector(css)).getText();
    }

    private static List<Map.Entry<String, List<String>>> rows(BrowserPage page, String css, String key) {
        List<Map.Entry<String, List<String>>> rows = new ArrayList<>();
        for (WebElement row : page.driver().findElements(By.cssSelector(css))) {
            List<String> cells = row.findElements(By.cssSelector("td[data-metric]")).stream().map(WebElement::getText)
                    .toList();
            rows.add(Map.entry(row.getAttribute(key), cells));
        }
        return rows;
    }

    private static WebElement leadRow(BrowserPage page, String listing, String seeker) {
        return findLeadRow(page, listing, seeker).orElseThrow(() -> new AssertionError("no lead row for " + listing));
    }

    private static Optional<WebElement> findLeadRow(BrowserPage page, String listing, String seeker) {
        return page.driver().findElements(By.cssSelector("#leads tr.lead")).stream()
                .filter(row -> listing.equals(row.getAttribute("data-lead-listing"))
                        && seeker.equals(row.findElement(By.cssSelector("[data-field=seeker]")).getText()))
                .findFirst();
    }

    private void track(List<Event> events) throws InterruptedException {
        SinkStats stats;
        try (EventBatcher batcher = EventBatcher.builder()
                .config(BatcherConfig.builder().flushInterval(Duration.ofHours(1)).build())
                .sink(HttpIngestSink.builder(URI.create("http://127.0.0.1:" + port + "/api/ingest/posthog"))
                        .secret(SECRET).build())
                .build()) {
            events.forEach(batcher::track);
            assertThat(batcher.flush(GUARD)).isTrue();
            stats = batcher.stats().get("ingest");
        }
        assertThat(stats.sent()).as(stats.toString()).isEqualTo(events.size());
    }

    private static Event view(String listing, String lister, String seeker, Instant at) {
        return new Event("property_view", seeker, at, null, Map.of("listing_id", listing, "lister_id", lister,
                "lister_type", "agent", "viewed_from", "search"));
    }

    private static Event lead(String type, String listing, String lister, String seeker, Instant at) {
        return new Event(type, seeker, at, null, Map.of("listing_id", listing, "lister_id", lister,
                "lister_type", "agent"));
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(GUARD);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
