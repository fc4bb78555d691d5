package io.github.iskahomes.analytics.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.iskahomes.analytics.core.internal.CalendarParts;
import io.github.iskahomes.analytics.server.BackingStores;
import io.github.iskahomes.analytics.server.StartupReport;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code serve} (analytics-server, started from its flags) driven over HTTP, as another program would: ingest, PostHog
 * paths, cron, read endpoints.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "s3cret-for-tests";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Instant NOW = Instant.now();
    private static final LocalDate TODAY = LocalDate.ofInstant(NOW, ZoneOffset.UTC);
    private static final String ADMIN = "admin-token-for-tests";
    private static ConfigurableApplicationContext server;
    private static int port;

    @BeforeAll
    static void start() {
        server = Main.serve(Flags.parse(new String[] {"--secret", SECRET, "--admin-token", ADMIN, "--port", "0"}));
        port = ((WebServerApplicationContext) server).getWebServer().getPort();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(0)
    void printsTheAddressItReallyListensOnAndItsRedisAndJdbcUrls() {
        List<String> printed = server.getBean(StartupReport.class).printed();
        BackingStores stores = server.getBean(BackingStores.class);
        assertThat(port).isPositive();
        assertThat(printed).containsExactly(
                "Analytics server listening on http://127.0.0.1:" + port + "/ (dashboard), http://127.0.0.1:" + port
                        + "/openapi.json, http://127.0.0.1:" + port + "/actuator/health",
                "Redis      " + stores.redisUri(),
                "PostgreSQL " + stores.jdbcUrl());
        assertThat(String.join("\n", printed)).doesNotContain(ADMIN).doesNotContain(SECRET);
    }

    @Test
    @Order(0)
    void anUnknownFlagIsRefusedByName() {
        assertThatThrownBy(() -> Main.serverArguments(Flags.parse(new String[] {"--read-timeout-seconds", "5"})))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("serve has no flag --read-timeout-seconds; it takes --host, --port, --secret,");
    }

    private static String event(String name, String seeker, String uuid, String properties) {
        return "{\"event\":\"" + name + "\",\"distinct_id\":\"" + seeker + "\",\"uuid\":\"" + uuid
                + "\",\"timestamp\":\"" + NOW + "\",\"properties\":" + properties + "}";
    }

    private static final String VIEW_1 = event("property_view", "s1", "u-1",
            "{\"listing_id\":\"L1\",\"lister_id\":\"agent-1\",\"lister_type\":\"agent\",\"viewed_from\":\"search\"}");
    private static final String BATCH = "{\"events\":[" + String.join(",",
            VIEW_1,
            event("property_view", "s2", "u-2",
                    "{\"listingId\":\"L1\",\"listerId\":\"agent-1\",\"listerType\":\"agent\",\"is_logged_in\":true}"),
            VIEW_1,
            event("property_view", "s3", "u-4", "{\"lister_id\":\"agent-1\",\"lister_type\":\"agent\"}"),
            event("lead_phone", "s1", "u-5", "{\"listing_id\":\"L1\",\"lister_id\":\"agent-1\",\"lister_type\":\"agent\"}"),
            event("development_view", "s2", "u-6", "{\"development_id\":\"D1\",\"developer_id\":\"dev-9\","
                    + "\"viewed_from\":\"home\"}")) + "]}";

    @Test
    @Order(1)
    void ingestCountsValidEventsOnceAndExplainsTheRest() throws Exception {
        HttpResponse<String> response = post("/api/ingest/posthog", BATCH, "Authorization", "Bearer " + SECRET);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("success").asBoolean()).isTrue();
        assertThat(body.get("ingested").asInt()).isEqualTo(4);
        assertThat(body.get("duplicates").asInt()).isEqualTo(1);
        assertThat(body.get("byDay").get(CalendarParts.dayKey(TODAY)).asInt()).isEqualTo(4);
        assertThat(body.get("rejected")).hasSize(1);
        assertThat(body.get("rejected").get(0).get("index").asInt()).isEqualTo(3);
        assertThat(body.get("rejected").get(0).get("uuid").asText()).isEqualTo("u-4");
        assertThat(body.get("rejected").get(0).get("reason").asText()).isEqualTo("listing_id is missing");
    }

    @Test
    @Order(2)
    void aReplayedBatchIsAllDuplicates() throws Exception {
        HttpResponse<String> response = post("/api/ingest/posthog", BATCH, "X-Webhook-Secret", SECRET);

        JsonNode body = JSON.readTree(response.body());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(body.get("ingested").asInt()).isZero();
        assertThat(body.get("duplicates").asInt()).isEqualTo(5);
    }

    @Test
    @Order(3)
    void postHogBatchPathTakesGzipBodies() throws Exception {
        String body = "{\"api_key\":\"phc_test\",\"batch\":[" + event("profile_view", "s4", "u-7",
                "{\"profile_id\":\"agent-1\",\"user_type\":\"agent\"}") + "]}";
        ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(gzipped)) {
            gzip.write(body.getBytes(StandardCharsets.UTF_8));
        }
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri("/batch/"))
                .header("Content-Type", "application/json").header("X-Webhook-Secret", SECRET)
                .POST(HttpRequest.BodyPublishers.ofByteArray(gzipped.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("ingested").asInt()).isEqualTo(1);
    }

    @Test
    @Order(3)
    void postHogWebSdkFormBodyIsAccepted() throws Exception {
        String events = "[" + event("listing_impression", "s5", "u-8", "{\"listing_id\":\"L1\"}") + "]";
        String form = "data=" + java.net.URLEncoder.encode(
                java.util.Base64.getEncoder().encodeToString(events.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri("/e/?compression=base64"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("X-Webhook-Secret", SECRET)
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("ingested").asInt()).isEqualTo(1);
    }

    @Test
    @Order(4)
    void wrongOrMissingSecretIs401() throws Exception {
        assertThat(post("/api/ingest/posthog", BATCH, "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
        assertThat(HTTP.send(HttpRequest.newBuilder(uri("/api/ingest/posthog"))
                .POST(HttpRequest.BodyPublishers.ofString(BATCH)).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(401);
    }

    @Test
    @Order(5)
    void malformedJsonIs400WithLineAndColumn() throws Exception {
        HttpResponse<String> response = post("/api/ingest/posthog", "{\"events\":[\n{\"event\": }]}",
                "X-Webhook-Secret", SECRET);

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("line").asInt()).isEqualTo(2);
        assertThat(body.get("column").asInt()).isEqualTo(11);
    }

    @Test
    @Order(6)
    void cronAggregatesWhatWasIngested() throws Exception {
        HttpResponse<String> response = post("/api/cron/analytics", "", "Authorization", "Bearer " + ADMIN);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("success").asBoolean()).isTrue();
        assertThat(body.get("processed").get("listings").get("inserted").asInt()).isEqualTo(1);
        assertThat(body.get("processed").get("users").get("inserted").asInt()).isEqualTo(1);
        assertThat(body.get("processed").get("developments").get("inserted").asInt()).isEqualTo(1);
        assertThat(body.get("processed").get("leads").get("inserted").asInt()).isEqualTo(1);
        assertThat(body.get("finalisedDays").toString()).contains(TODAY.toString());
    }

    @Test
    @Order(7)
    void readEndpointsAnswerTheAggregatedTotals() throws Exception {
        JsonNode listing = get("/api/analytics/listings/L1?from=" + TODAY + "&to=" + TODAY + "&grain=day");
        assertThat(listing).hasSize(1);
        assertThat(listing.get(0).get("period").asText()).isEqualTo(TODAY.toString());
        assertThat(listing.get(0).get("counters").get("total_views").asLong()).isEqualTo(2);
        assertThat(listing.get(0).get("counters").get("views_from_search").asLong()).isEqualTo(1);
        assertThat(listing.get(0).get("counters").get("views_from_direct").asLong()).isEqualTo(1);
        assertThat(listing.get(0).get("counters").get("logged_in_views").asLong()).isEqualTo(1);
        assertThat(listing.get(0).get("counters").get("phone_leads").asLong()).isEqualTo(1);
        assertThat(listing.get(0).get("counters").get("feed_impressions").asLong()).isEqualTo(1);
        assertThat(listing.get(0).get("uniques").get("unique_views").asLong()).isEqualTo(2);
        assertThat(listing.get(0).get("amounts").get("conversion_rate").decimalValue()).isEqualByComparingTo("50.00");

        JsonNode lister = get("/api/analytics/listers/agent-1?from=" + TODAY.minusDays(6) + "&to=" + TODAY
                + "&grain=week");
        assertThat(lister).isNotEmpty();
        long views = 0;
        long leads = 0;
        long profileViews = 0;
        for (JsonNode period : lister) {
            views += period.get("counters").get("total_listing_views").asLong();
            leads += period.get("counters").get("total_leads_generated").asLong();
            profileViews += period.get("counters").get("profile_views").asLong();
        }
        assertThat(views).isEqualTo(2);
        assertThat(leads).isEqualTo(1);
        assertThat(profileViews).isEqualTo(1);

        JsonNode development = get("/api/analytics/developments/D1?from=" + TODAY + "&to=" + TODAY + "&grain=month");
        assertThat(development).hasSize(1);
        assertThat(development.get(0).get("counters").get("total_views").asLong()).isEqualTo(1);
        assertThat(development.get(0).get("counters").get("views_from_home").asLong()).isEqualTo(1);

        JsonNode top = get("/api/analytics/top-listings?from=" + TODAY + "&to=" + TODAY + "&by=leads&limit=5");
        assertThat(top).hasSize(1);
        assertThat(top.get(0).get("listingId").asText()).isEqualTo("L1");
        assertThat(top.get(0).get("totalLeads").asLong()).isEqualTo(1);
    }

    @Test
    @Order(8)
    void badRequestsGetClearStatuses() throws Exception {
        assertThat(HTTP.send(HttpRequest.newBuilder(uri("/api/ingest/posthog")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
        assertThat(HTTP.send(HttpRequest.newBuilder(uri("/nowhere")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        HttpResponse<String> badGrain = HTTP.send(HttpRequest.newBuilder(uri("/api/analytics/listings/L1?grain=decade"))
                .header("Authorization", "Bearer " + ADMIN).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(badGrain.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badGrain.body()).get("error").asText())
                .isEqualTo("\"decade\" is not one of [day, week, month, quarter, year]");
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static HttpResponse<String> post(String path, String body, String header, String value) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "text/plain").header(header, value)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri(path))
                .header("Authorization", "Bearer " + ADMIN).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
