package io.github.iskahomes.analytics.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.iskahomes.analytics.browser.BrowserScript;
import io.github.iskahomes.analytics.testing.PostgresExtension;
import io.github.iskahomes.analytics.testing.RedisExtension;
import io.github.iskahomes.analytics.testing.TestPostgres;
import io.github.iskahomes.analytics.testing.TestRedis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An empty Boot app with the starter's auto-configuration on a random port, a real embedded Redis and PostgreSQL,
 * driven over real HTTP only: what a user of the starter sees.
 */
@ExtendWith({RedisExtension.class, PostgresExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
// Closed after the class, while Redis and PostgreSQL still run: the batcher drains and nothing reconnects in vain.
@DirtiesContext
@SpringBootTest(classes = BootTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AnalyticsBootHttpTest {
    private static final String SECRET = "webhook-secret-1";
    private static final String ADMIN = "admin-token-1";
    private static final Duration GUARD = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(GUARD).build();
    private static volatile TestRedis redis;
    private static volatile TestPostgres postgres;

    @LocalServerPort
    private int port;

    AnalyticsBootHttpTest(TestRedis testRedis, TestPostgres testPostgres) {
        // The Spring context is made after this constructor, so the properties below read these handles.
        redis = testRedis;
        postgres = testPostgres;
    }

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        registry.add("analytics.redis.url", () -> redis.uri());
        registry.add("analytics.ingest.key-prefix", () -> redis.keyPrefix());
        registry.add("analytics.ingest.webhook-secret", () -> SECRET);
        registry.add("analytics.web.admin-token", () -> ADMIN);
        // The test runs the aggregation itself; the cron would only add runs at random moments.
        registry.add("analytics.aggregation.schedule.cron", () -> "0 0 0 1 1 *");
        registry.add("spring.datasource.url", () -> postgres.jdbcUrl());
        registry.add("spring.datasource.username", () -> postgres.user());
        registry.add("spring.datasource.password", () -> postgres.password());
        registry.add("management.endpoints.web.exposure.include", () -> "health,metrics");
        registry.add("management.endpoint.health.show-details", () -> "always");
    }

    @Test
    void postHogAndSeedBodiesOverHttpAreAggregatedAndReadBackExactly() throws Exception {
        String listing = "listing-" + UUID.randomUUID();
        Instant at = Instant.now().minusSeconds(60);
        LocalDate day = at.atZone(ZoneOffset.UTC).toLocalDate();
        // PostHog's batch form, authenticated by its project key alone, as posthog-js or a PostHog SDK sends it.
        String postHog = "{\"api_key\":\"" + SECRET + "\",\"batch\":["
                + view(listing, "seeker-1", at, "home") + "," + view(listing, "seeker-2", at, "search") + "]}";
        HttpResponse<String> captured = send(request("/batch/").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(postHog)));
        assertThat(captured.statusCode()).as(captured.body()).isEqualTo(200);
        assertThat(JSON.readTree(captured.body()).get("ingested").asInt()).isEqualTo(2);

        // The seed's own body, with the secret as a header; seeker-1 views again and phones.
        String seed = "{\"events\":[" + view(listing, "seeker-1", at, "explore") + ","
                + "{\"event\":\"lead_phone\",\"distinct_id\":\"seeker-1\",\"timestamp\":\"" + at + "\",\"uuid\":\""
                + UUID.randomUUID() + "\",\"properties\":{\"listing_id\":\"" + listing
                + "\",\"lister_id\":\"dev-1\",\"lister_type\":\"developer\"}}]}";
        HttpResponse<String> ingested = send(request("/api/ingest/posthog").header("X-Webhook-Secret", SECRET)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(seed)));
        assertThat(ingested.statusCode()).as(ingested.body()).isEqualTo(200);
        assertThat(JSON.readTree(ingested.body()).get("ingested").asInt()).isEqualTo(2);

        HttpResponse<String> run = send(admin("/api/cron/analytics").POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(run.statusCode()).as(run.body()).isEqualTo(200);
        assertThat(JSON.readTree(run.body()).get("success").asBoolean()).isTrue();

        HttpResponse<String> read = send(admin("/api/analytics/listings/" + listing + "?from=" + day + "&to=" + day)
                .GET());
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        JsonNode period = JSON.readTree(read.body()).get(0);
        assertThat(period.get("period").asText()).isEqualTo(day.toString());
        JsonNode counters = period.get("counters");
        assertThat(counters.get("total_views").asLong()).isEqualTo(3);
        assertThat(counters.get("views_from_home").asLong()).isEqualTo(1);
        assertThat(counters.get("views_from_search").asLong()).isEqualTo(1);
        assertThat(counters.get("views_from_explore").asLong()).isEqualTo(1);
        assertThat(counters.get("phone_leads").asLong()).isEqualTo(1);
        assertThat(counters.get("total_leads").asLong()).isEqualTo(1);
        assertThat(period.get("uniques").get("unique_views").asLong()).isEqualTo(2);
    }

    @Test
    void cronAndReadPathsRefuseAnythingButTheAdminToken() throws Exception {
        HttpResponse<String> none = send(request("/api/analytics/top-listings").GET());
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(none.body()).get("error").asText()).isEqualTo("this endpoint needs the admin token:"
                + " send \"Authorization: Bearer <admin token>\" (set it with analytics.web.admin-token)");
        HttpResponse<String> secret = send(request("/api/cron/analytics").header("Authorization", "Bearer " + SECRET)
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(secret.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(secret.body()).get("error").asText()).isEqualTo("the admin token is wrong");
        HttpResponse<String> badGrain = send(admin("/api/analytics/listings/x?grain=decade").GET());
        assertThat(badGrain.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badGrain.body()).get("error").asText())
                .isEqualTo("\"decade\" is not one of [day, week, month, quarter, year]");
    }

    @Test
    void capturePathsAnswerCorsPreflightsThroughTheIngestHandler() throws Exception {
        String origin = "https://listings.example.org";
        for (String path : new String[] {"/e/", "/batch/", "/i/v0/e/", "/api/ingest/posthog", "/capture"}) {
            HttpResponse<String> preflight = send(request(path + "?ver=1.200.0").header("Origin", origin)
                    .header("Access-Control-Request-Method", "POST")
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
            assertThat(preflight.statusCode()).as(path).isEqualTo(204);
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).as(path).hasValue(origin);
        }
        HttpResponse<String> noSecret = send(request("/e/").POST(HttpRequest.BodyPublishers.ofString("[]")));
        assertThat(noSecret.statusCode()).isEqualTo(401);
    }

    @Test
    void healthIsDownWhileRedisIsStoppedAndUpWhenItIsBack() throws Exception {
        assertThat(health().statusCode()).isEqualTo(200);
        redis.stop();
        try {
            HttpResponse<String> down = awaitHealth(503);
            JsonNode analytics = JSON.readTree(down.body()).get("components").get("analytics");
            assertThat(analytics.get("status").asText()).isEqualTo("DOWN");
            assertThat(analytics.get("details").get("redis").asText()).startsWith("DOWN: ");
            assertThat(analytics.get("details").get("postgresql").asText()).isEqualTo("UP");
        } finally {
            redis.start();
        }
        HttpResponse<String> up = awaitHealth(200);
        assertThat(JSON.readTree(up.body()).get("components").get("analytics").get("details").get("redis").asText())
                .isEqualTo("UP");
    }

    @Test
    void theMetersShowTheExactCountsOfWhatWasPostedAndAggregated() throws Exception {
        double ingested = meter("analytics.ingest.events", "outcome:ingested");
        double duplicates = meter("analytics.ingest.events", "outcome:duplicate");
        double missing = meter("analytics.ingest.events", "reason:missing_property");
        double rows = meter("analytics.aggregation.rows", "table:listings");
        double runs = meter("analytics.aggregation.run", "outcome:success");
        String listing = "listing-" + UUID.randomUUID();
        Instant at = Instant.now().minusSeconds(60);
        String first = view(listing, "seeker-1", at, "home");
        // Three new events, one replay of the first, one without its listing_id.
        String body = "{\"events\":[" + first + "," + view(listing, "seeker-2", at, "home") + ","
                + view(listing, "seeker-3", at, "direct") + "," + first + ","
                + "{\"event\":\"property_view\",\"distinct_id\":\"seeker-4\",\"properties\":{}}]}";
        HttpResponse<String> posted = send(request("/api/ingest/posthog").header("X-Webhook-Secret", SECRET)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
        HttpResponse<String> run = send(admin("/api/cron/analytics").POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(run.statusCode()).as(run.body()).isEqualTo(200);
        long written = JSON.readTree(run.body()).get("processed").get("listings").get("inserted").asLong();

        assertThat(meter("analytics.ingest.events", "outcome:ingested") - ingested).isEqualTo(3);
        assertThat(meter("analytics.ingest.events", "outcome:duplicate") - duplicates).isEqualTo(1);
        assertThat(meter("analytics.ingest.events", "reason:missing_property") - missing).isEqualTo(1);
        assertThat(meter("analytics.aggregation.rows", "table:listings") - rows).isEqualTo(written).isPositive();
        // One successful run: the retained days Redis holds nothing for are counted as skipped days, not as a partial run.
        assertThat(meter("analytics.aggregation.run", "outcome:success") - runs).isEqualTo(1);
        assertThat(meter("analytics.batcher.queue.size", "sink:ingestor")).isZero();
    }

    /**
     * A meter's first measurement (COUNT for counters and timers, VALUE for gauges) at /actuator/metrics, for one
     * tag or (null) summed over all.
     */
    private double meter(String name, String tag) throws Exception {
        HttpResponse<String> response = send(request("/actuator/metrics/" + name + (tag == null ? "" : "?tag=" + tag))
                .GET());
        assertThat(response.statusCode()).as(name + " " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).get("measurements").get(0).get("value").asDouble();
    }

    /** The health endpoint until it answers {@code status}; the client reconnects on its own within about 1 s. */
    private HttpResponse<String> awaitHealth(int status) throws Exception {
        long guard = System.nanoTime() + GUARD.toNanos();
        HttpResponse<String> response = health();
        while (response.statusCode() != status && System.nanoTime() < guard) {
            Thread.sleep(100);
            response = health();
        }
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return response;
    }

    private HttpResponse<String> health() throws Exception {
        return send(request("/actuator/health").GET());
    }

    private static String view(String listing, String seeker, Instant at, String from) {
        return "{\"event\":\"property_view\",\"distinct_id\":\"" + seeker + "\",\"timestamp\":\"" + at
                + "\",\"uuid\":\"" + UUID.randomUUID() + "\",\"properties\":{\"listing_id\":\"" + listing
                + "\",\"lister_id\":\"dev-1\",\"lister_type\":\"developer\",\"viewed_from\":\"" + from + "\"}}";
    }

    @Test
    void analyticsJsIsServedUnderItsHashedNameForAYearAndUnderItsPlainNameRevalidated() throws Exception {
        BrowserScript script = BrowserScript.classic();
        HttpResponse<byte[]> hashed = HTTP.send(request("/analytics/js/" + script.fileName()).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(hashed.statusCode()).isEqualTo(200);
        assertThat(hashed.body()).isEqualTo(script.bytes());
        assertThat(hashed.headers().firstValue("Cache-Control")).contains("public, max-age=31536000, immutable");
        assertThat(hashed.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/javascript"));

        HttpResponse<byte[]> module = HTTP.send(request("/analytics/js/analytics.esm.js").GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(module.body()).isEqualTo(BrowserScript.module().bytes());
        assertThat(module.headers().firstValue("Cache-Control")).contains("no-cache");

        HttpResponse<String> unchanged = send(request("/analytics/js/analytics.js")
                .header("If-None-Match", script.etag()).GET());
        assertThat(unchanged.statusCode()).isEqualTo(304);
        assertThat(send(request("/analytics/js/analytics.js").POST(HttpRequest.BodyPublishers.noBody()))
                .statusCode()).isEqualTo(405);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(GUARD);
    }

    private HttpRequest.Builder admin(String path) {
        return request(path).header("Authorization", "Bearer " + ADMIN);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
