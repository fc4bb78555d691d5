package io.github.iskahomes.analytics.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.iskahomes.analytics.core.BusinessCalendar;
import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.internal.EventJson;
import io.github.iskahomes.analytics.examples.Infrastructure;
import io.github.iskahomes.analytics.examples.Pipeline;
import io.github.iskahomes.analytics.redis.IngestorConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The demo server's HTTP surface under hostile and unlucky clients, over real sockets, on a real Redis and PostgreSQL. */
class AnalyticsServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "phc_webhook-secret";
    private static final String ADMIN = "admin-token-0123456789";
    /** A guard against hanging, never a measure. */
    private static final Duration GUARD = Duration.ofSeconds(15);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(GUARD).build();
    private static Infrastructure infrastructure;
    private final List<Pipeline> pipelines = new ArrayList<>();

    @BeforeAll
    static void startServers() {
        infrastructure = Infrastructure.start();
    }

    @AfterAll
    static void stopServers() {
        if (infrastructure != null) {
            infrastructure.close();
        }
    }

    @AfterEach
    void closePipelines() {
        pipelines.forEach(Pipeline::close);
    }

    private Pipeline start(IngestorConfig config, ServerSettings settings) throws IOException {
        Pipeline pipeline = Pipeline.start(infrastructure, config.toBuilder()
                .keyPrefix("t" + UUID.randomUUID().toString().substring(0, 8) + ":").build(), settings);
        pipelines.add(pipeline);
        return pipeline;
    }

    private Pipeline start() throws IOException {
        return start(IngestorConfig.defaults(),
                ServerSettings.defaults().withPort(0).withAdminToken(ADMIN).withWebhookSecret(SECRET));
    }

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    private static Event view(String listing, Instant at) {
        return new Event("property_view", "seeker-" + UUID.randomUUID(), at, UUID.randomUUID().toString(),
                Map.of("listing_id", listing));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(GUARD).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(Pipeline pipeline, String path) {
        return HttpRequest.newBuilder(URI.create(pipeline.baseUrl() + path));
    }

    private static HttpRequest.Builder admin(Pipeline pipeline, String path) {
        return request(pipeline, path).header("Authorization", "Bearer " + pipeline.adminToken());
    }

    private static void ingest(Pipeline pipeline, List<Event> events) throws Exception {
        HttpResponse<String> response = send(request(pipeline, "/api/ingest/posthog")
                .header("X-Webhook-Secret", SECRET)
                .POST(HttpRequest.BodyPublishers.ofByteArray(EventJson.encodeIngestBody(events))));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("ingested").asInt()).isEqualTo(events.size());
    }

    private static void cron(Pipeline pipeline) throws Exception {
        HttpResponse<String> run = send(admin(pipeline, "/api/cron/analytics").POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(run.statusCode()).as(run.body()).isEqualTo(200);
    }

    private static JsonNode read(Pipeline pipeline, String path) throws Exception {
        HttpResponse<String> response = send(admin(pipeline, path).GET());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static String error(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body()).get("error").asText();
    }

    @Test
    void cronAndReadEndpointsNeedTheAdminTokenNotTheWebhookSecret() throws Exception {
        Pipeline pipeline = start();
        for (HttpRequest.Builder anonymous : List.of(
                request(pipeline, "/api/cron/analytics").POST(HttpRequest.BodyPublishers.noBody()),
                request(pipeline, "/api/analytics/listings/L1").GET(),
                request(pipeline, "/api/analytics/top-listings").GET())) {
            HttpResponse<String> refused = send(anonymous);
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"analytics-admin\"");
            assertThat(error(refused)).isEqualTo("this endpoint needs the admin token: send \"Authorization: Bearer"
                    + " <admin token>\" (serve prints it at start-up; set it with --admin-token or ANALYTICS_ADMIN_TOKEN)");
        }
        // The webhook secret ships to browsers: it opens the capture paths only.
        HttpResponse<String> withSecret = send(request(pipeline, "/api/cron/analytics")
                .header("Authorization", "Bearer " + SECRET).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(withSecret.statusCode()).isEqualTo(401);
        assertThat(error(withSecret)).isEqualTo("the admin token is wrong");
        assertThat(send(request(pipeline, "/api/analytics/top-listings").header("X-Webhook-Secret", SECRET).GET())
                .statusCode()).isEqualTo(401);

        cron(pipeline);
        assertThat(read(pipeline, "/api/analytics/top-listings").isArray()).isTrue();
    }

    @Test
    void withoutAConfiguredAdminTokenEachServerGeneratesItsOwn() throws Exception {
        Pipeline first = start(IngestorConfig.defaults(), ServerSettings.defaults().withPort(0));
        Pipeline second = start(IngestorConfig.defaults(), ServerSettings.defaults().withPort(0));
        assertThat(first.server().adminTokenGenerated()).isTrue();
        assertThat(first.adminToken()).hasSizeGreaterThanOrEqualTo(32).isNotEqualTo(second.adminToken());
        assertThat(read(first, "/api/analytics/top-listings").isArray()).isTrue();
        assertThat(send(request(first, "/api/analytics/top-listings")
                .header("Authorization", "Bearer " + second.adminToken()).GET()).statusCode()).isEqualTo(401);
        assertThatThrownBy(() -> start(IngestorConfig.defaults(),
                ServerSettings.defaults().withPort(0).withAdminToken(SECRET).withWebhookSecret(SECRET)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the admin token must differ from the webhook secret: the webhook secret ships to browsers,"
                        + " the admin token guards the cron and read endpoints");
    }

    @Test
    void bindsLoopbackUnlessToldOtherwiseAndReportsTheAddressItListensOn() throws Exception {
        Pipeline pipeline = start();
        assertThat(pipeline.server().address().getAddress().isLoopbackAddress()).isTrue();
        assertThat(pipeline.server().url()).isEqualTo("http://127.0.0.1:" + pipeline.port());
        Optional<InetAddress> external = externalAddress();
        if (external.isPresent()) {
            assertThatThrownBy(() -> new Socket(external.get(), pipeline.port()).close())
                    .as("connecting through " + external.get()).isInstanceOf(ConnectException.class);
        }

        Pipeline everywhere = start(IngestorConfig.defaults(), ServerSettings.defaults().withPort(0).withHost("0.0.0.0"));
        assertThat(everywhere.server().address().getAddress().isAnyLocalAddress()).isTrue();
        assertThat(everywhere.server().url()).isEqualTo("http://0.0.0.0:" + everywhere.port());
        if (external.isPresent()) {
            new Socket(external.get(), everywhere.port()).close();
        }
    }

    private static Optional<InetAddress> externalAddress() throws SocketException {
        return NetworkInterface.networkInterfaces().filter(network -> {
            try {
                return network.isUp() && !network.isLoopback();
            } catch (SocketException e) {
                return false;
            }
        }).flatMap(NetworkInterface::inetAddresses).filter(address -> address instanceof Inet4Address
                && !address.isLoopbackAddress() && !address.isLinkLocalAddress()).findFirst();
    }

    @Test
    void capturePathsAnswerCorsButCronAndReadEndpointsNever() throws Exception {
        Pipeline pipeline = start();
        String origin = "https://listings.example.org";
        for (String path : List.of("/e/", "/batch/", "/i/v0/e/", "/api/ingest/posthog")) {
            HttpResponse<String> preflight = send(request(pipeline, path + "?ver=1.200.0").header("Origin", origin)
                    .header("Access-Control-Request-Method", "POST").method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
            assertThat(preflight.statusCode()).as(path).isEqualTo(204);
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(origin);
        }
        for (HttpRequest.Builder privileged : List.of(
                admin(pipeline, "/api/cron/analytics").header("Origin", origin).POST(HttpRequest.BodyPublishers.noBody()),
                admin(pipeline, "/api/analytics/top-listings").header("Origin", origin).GET(),
                request(pipeline, "/api/analytics/top-listings").header("Origin", origin)
                        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()))) {
            HttpResponse<String> response = send(privileged);
            assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        }
    }

    @Test
    void postHogJsFormBodiesAuthenticateWithTheProjectKeyAlone() throws Exception {
        Pipeline pipeline = start();
        String listing = unique("L-js");
        String events = "[" + EventJson.encode(new Event("property_view", "seeker-1", Instant.now(),
                UUID.randomUUID().toString(), Map.of("listing_id", listing, "token", SECRET))) + "]";
        String form = "data=" + URLEncoder.encode(Base64.getEncoder().encodeToString(
                events.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        HttpResponse<String> response = send(request(pipeline, "/e/?compression=base64&ver=1.200.0&_=1700000000000")
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", "https://a.example")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("ingested").asInt()).isEqualTo(1);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://a.example");
        HttpResponse<String> queryKey = send(request(pipeline, "/batch/?api_key=" + SECRET)
                .POST(HttpRequest.BodyPublishers.ofByteArray(EventJson.encodeIngestBody(List.of(
                        view(listing, Instant.now()))))));
        assertThat(queryKey.statusCode()).as(queryKey.body()).isEqualTo(200);
    }

    @Test
    void stalledClientsNeitherStarveOthersNorStayOpen() throws Exception {
        // More stalled clients than the old server's 8 threads; 4 uploads at most, 2 s to send a request.
        Pipeline pipeline = start(IngestorConfig.defaults(), ServerSettings.defaults().withPort(0).withAdminToken(ADMIN)
                .withWebhookSecret(SECRET).withReadTimeout(Duration.ofSeconds(2)).withLimits(16, 4));
        List<Socket> stalledBodies = new ArrayList<>();
        List<Socket> stalledHeaders = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                stalledBodies.add(stall(pipeline, "POST /api/ingest/posthog HTTP/1.1\r\nHost: x\r\nX-Webhook-Secret: "
                        + SECRET + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[{\"event\":"));
            }
            for (int i = 0; i < 2; i++) {
                stalledHeaders.add(stall(pipeline, "POST /e/ HTTP/1.1\r\nHost: x\r\nContent-Ty"));
            }
            // Everyone else is still served while they stall.
            assertThat(read(pipeline, "/api/analytics/top-listings").isArray()).isTrue();

            // Uploads beyond the 4 being read are told to come back, at once; the others are cut at the timeout.
            int busy = 0;
            for (Socket socket : stalledBodies) {
                String answer = readToEnd(socket);
                if (!answer.isEmpty()) {
                    assertThat(answer).startsWith("HTTP/1.1 503 ").containsIgnoringCase("Retry-After: 1")
                            .contains("\"error\":\"the server is already reading 4 request bodies; retry shortly\"");
                    busy++;
                }
            }
            assertThat(busy).isEqualTo(6);
            for (Socket socket : stalledHeaders) {
                assertThat(readToEnd(socket)).isEmpty();
            }
        } finally {
            for (Socket socket : stalledBodies) {
                socket.close();
            }
            for (Socket socket : stalledHeaders) {
                socket.close();
            }
        }
        // A cut upload's thread gives its slot back just after the socket closes: retry while it still says 503.
        byte[] body = EventJson.encodeIngestBody(List.of(view(unique("L-after"), Instant.now())));
        long guard = System.nanoTime() + GUARD.toNanos();
        HttpResponse<String> after;
        do {
            after = send(request(pipeline, "/api/ingest/posthog").header("X-Webhook-Secret", SECRET)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        } while (after.statusCode() == 503 && System.nanoTime() < guard && pause());
        assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
        assertThat(JSON.readTree(after.body()).get("ingested").asInt()).isEqualTo(1);
    }

    private static boolean pause() throws InterruptedException {
        Thread.sleep(20);
        return true;
    }

    private static Socket stall(Pipeline pipeline, String partialRequest) throws IOException {
        Socket socket = new Socket("127.0.0.1", pipeline.port());
        socket.setSoTimeout((int) GUARD.toMillis());
        socket.getOutputStream().write(partialRequest.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    /** Everything the server sends until it closes the connection ("" when it closes without answering). */
    private static String readToEnd(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder text = new StringBuilder();
        try {
            int c;
            while ((c = in.read()) >= 0) {
                text.append((char) c);
            }
        } catch (SocketException reset) {
            // closed by the server with unread input: a reset is a close too
        }
        return text.toString();
    }

    @Test
    void idsWithPlusPercentAndNonAsciiAreReadBackExactly() throws Exception {
        Pipeline pipeline = start();
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String plus = "a+b-" + suffix;
        String percent = "50%off-" + suffix;
        String unicode = "дом-東京-" + suffix;
        Instant now = Instant.now();
        List<Event> events = new ArrayList<>();
        events.add(view(plus, now));
        events.add(view(plus, now));
        for (int i = 0; i < 3; i++) {
            events.add(view(percent, now));
        }
        events.add(view(unicode, now));
        ingest(pipeline, events);
        cron(pipeline);

        LocalDate today = BusinessCalendar.UTC.dayOf(now);
        String range = "?from=" + today + "&to=" + today;
        assertThat(totalViews(pipeline, "/api/analytics/listings/" + encode(plus) + range)).isEqualTo(2);
        assertThat(totalViews(pipeline, "/api/analytics/listings/" + plus + range)).as("a literal + in a path").isEqualTo(2);
        assertThat(totalViews(pipeline, "/api/analytics/listings/" + encode(percent) + range)).isEqualTo(3);
        assertThat(totalViews(pipeline, "/api/analytics/listings/" + encode(unicode) + range)).isEqualTo(1);
    }

    /** Percent-encodes every byte outside the unreserved set, as a path segment needs. */
    private static String encode(String id) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 128 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0)) {
                encoded.append(c);
            } else {
                encoded.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return encoded.toString();
    }

    private static long totalViews(Pipeline pipeline, String path) throws Exception {
        JsonNode periods = read(pipeline, path);
        assertThat(periods).as(path).hasSize(1);
        return periods.get(0).get("counters").get("total_views").asLong();
    }

    @Test
    void aPostgresqlFailureIs503WithRetryAfterAndNoSqlText() throws Exception {
        Pipeline pipeline = start();
        try (Connection connection = infrastructure.connect(); Statement sql = connection.createStatement()) {
            sql.execute("ALTER TABLE listing_analytics RENAME TO listing_analytics_away");
            try {
                HttpResponse<String> response = send(admin(pipeline, "/api/analytics/listings/L1").GET());
                assertThat(response.statusCode()).isEqualTo(503);
                assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
                assertThat(error(response)).matches("the analytics store failed; retry later \\(the server log has the"
                        + " details under reference [0-9a-f]{8}\\)");
            } finally {
                sql.execute("ALTER TABLE listing_analytics_away RENAME TO listing_analytics");
            }
        }
    }

    @Test
    void theDefaultRangeEndsTodayInTheBusinessZone() throws Exception {
        Instant now = Instant.now();
        // A zone whose date differs from the JVM's right now: one of UTC+14 and UTC-11 always does.
        ZoneId zone = ZoneId.of("Pacific/Kiritimati");
        if (LocalDate.ofInstant(now, zone).equals(LocalDate.now())) {
            zone = ZoneId.of("Pacific/Pago_Pago");
        }
        BusinessCalendar calendar = new BusinessCalendar(zone);
        Pipeline pipeline = start(IngestorConfig.builder().calendar(calendar).build(),
                ServerSettings.defaults().withPort(0).withAdminToken(ADMIN).withWebhookSecret(SECRET));
        String listing = unique("L-zone");
        Instant sixDaysAgo = now.minus(Duration.ofDays(6));
        ingest(pipeline, List.of(view(listing, now), view(listing, sixDaysAgo)));
        cron(pipeline);

        JsonNode periods = read(pipeline, "/api/analytics/listings/" + listing + "?grain=day");
        assertThat(periods).as(zone + ": " + periods).hasSize(2);
        assertThat(periods.get(0).get("period").asText()).isEqualTo(calendar.dayOf(sixDaysAgo).toString());
        assertThat(periods.get(1).get("period").asText()).isEqualTo(calendar.dayOf(now).toString());
        assertThat(periods.get(1).get("counters").get("total_views").asLong()).isEqualTo(1);
    }
}
