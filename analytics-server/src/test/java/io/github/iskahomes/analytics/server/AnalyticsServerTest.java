package io.github.iskahomes.analytics.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.iskahomes.analytics.autoconfigure.web.CaptureEndpoint;
import io.github.iskahomes.analytics.testing.PostgresExtension;
import io.github.iskahomes.analytics.testing.RedisExtension;
import io.github.iskahomes.analytics.testing.TestPostgres;
import io.github.iskahomes.analytics.testing.TestRedis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The standalone server on a random port with a real Redis and PostgreSQL: its OpenAPI document names exactly the
 * routes it serves, the dashboard is at {@code /}, health and Prometheus answer, and it prints where it listens.
 */
@ExtendWith({RedisExtension.class, PostgresExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@SpringBootTest(classes = AnalyticsServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AnalyticsServerTest {
    private static final Duration GUARD = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(GUARD).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = "server-admin-token";
    private static volatile TestRedis redis;
    private static volatile TestPostgres postgres;

    @LocalServerPort
    private int port;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    private RequestMappingHandlerMapping mappings;
    @Autowired
    private CaptureEndpoint capture;
    @Autowired
    private StartupReport report;

    AnalyticsServerTest(TestRedis testRedis, TestPostgres testPostgres) {
        redis = testRedis;
        postgres = testPostgres;
    }

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        BackingStoreProperties.register(registry, () -> redis, () -> postgres);
        registry.add("analytics.web.admin-token", () -> ADMIN);
    }

    @Test
    void theOpenApiDocumentNamesEveryRealRouteAndNoOther() throws Exception {
        HttpResponse<String> answer = get("/openapi.json");
        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode document = JSON.readTree(answer.body());
        assertThat(document.path("openapi").asText()).isEqualTo("3.1.0");

        Set<String> documented = new TreeSet<>();
        Set<String> documentedActuator = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
                String route = methods.next().toUpperCase(Locale.ROOT) + " " + path.getKey();
                (path.getKey().startsWith("/actuator/") ? documentedActuator : documented).add(route);
            }
        }

        // The real routes: the annotated endpoints of this project, and the capture paths (POST, and OPTIONS for
        // CORS preflights), each served with and without a trailing slash.
        Set<String> served = new TreeSet<>();
        for (Map.Entry<RequestMappingInfo, HandlerMethod> mapping : mappings.getHandlerMethods().entrySet()) {
            if (!mapping.getValue().getBeanType().getPackageName().startsWith("io.github.iskahomes")) {
                continue;
            }
            for (String pattern : mapping.getKey().getPatternValues()) {
                for (var method : mapping.getKey().getMethodsCondition().getMethods()) {
                    served.add(method.name() + " " + pattern.replaceAll("\\{(\\w+):[^}]*}", "{$1}"));
                }
            }
        }
        for (String path : capture.paths()) {
            if (!path.endsWith("/")) {
                served.add("POST " + path);
                served.add("OPTIONS " + path);
            }
        }
        assertThat(documented).isEqualTo(served);
        // The actuator's documented endpoints are served too.
        for (String route : documentedActuator) {
            assertThat(get(route.substring(route.indexOf(' ') + 1)).statusCode()).as(route).isEqualTo(200);
        }
    }

    @Test
    void healthIsUpAndPrometheusScrapesTheJvmAndHttpMeters() throws Exception {
        HttpResponse<String> health = get("/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(health.body()).path("status").asText()).isEqualTo("UP");
        HttpResponse<String> prometheus = get("/actuator/prometheus");
        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(prometheus.body()).contains("jvm_memory_used_bytes");
    }

    @Test
    void theDashboardIsAtTheRootWithItsEndpointsNamedByConfigJs() throws Exception {
        HttpResponse<String> root = get("/");
        assertThat(root.statusCode()).as(root.headers().map().toString()).isEqualTo(200);
        assertThat(root.body()).contains("<title>Listing analytics</title>");
        assertThat(get("/config.js").body()).isEqualTo("window.ISKA_ANALYTICS = {api: \"/api/dashboard\"};\n");
        assertThat(get("/vendor/uplot/uPlot.iife.min.js").statusCode()).isEqualTo(200);
        assertThat(get("/api/dashboard/me").body()).isEqualTo("{\"signedIn\":false}");
    }

    @Test
    void itPrintsTheAddressItReallyListensOnAndItsRedisAndJdbcUrls() {
        // Printed to standard output at start-up, before this test ran; the report keeps what it printed.
        assertThat(report.printed()).containsExactly(
                "Analytics server listening on http://127.0.0.1:" + port + "/ (dashboard), http://127.0.0.1:" + port
                        + "/openapi.json, http://127.0.0.1:" + port + "/actuator/health",
                "Redis      " + redis.uri(),
                "PostgreSQL " + postgres.jdbcUrl());
    }

    @Test
    void idsWithPlusPercentAndNonAsciiAreReadBackExactly() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String plus = "a+b-" + suffix;
        String percent = "50%off-" + suffix;
        String unicode = "дом-東京-" + suffix;
        StringBuilder body = new StringBuilder("[");
        String[] views = {plus, plus, percent, percent, percent, unicode};
        for (int i = 0; i < views.length; i++) {
            body.append(i == 0 ? "" : ",").append(JSON.writeValueAsString(Map.of("event", "property_view",
                    "distinct_id", "seeker-" + i, "uuid", UUID.randomUUID().toString(),
                    "timestamp", Instant.now().toString(), "properties", Map.of("listing_id", views[i],
                            "lister_id", "agent-" + suffix, "lister_type", "agent", "viewed_from", "search"))));
        }
        HttpResponse<String> ingest = HTTP.send(request("/api/ingest/posthog").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.append(']').toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ingest.statusCode()).as(ingest.body()).isEqualTo(200);
        assertThat(JSON.readTree(ingest.body()).path("ingested").asInt()).isEqualTo(6);
        HttpResponse<String> cron = HTTP.send(request("/api/cron/analytics").header("Authorization", "Bearer " + ADMIN)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(cron.statusCode()).as(cron.body()).isEqualTo(200);

        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        String range = "?from=" + today + "&to=" + today;
        assertThat(totalViews("/api/analytics/listings/" + encode(plus) + range)).isEqualTo(2);
        assertThat(totalViews("/api/analytics/listings/" + plus + range)).as("a literal + in a path").isEqualTo(2);
        assertThat(totalViews("/api/analytics/listings/" + encode(percent) + range)).isEqualTo(3);
        assertThat(totalViews("/api/analytics/listings/" + encode(unicode) + range)).isEqualTo(1);
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

    private long totalViews(String path) throws Exception {
        HttpResponse<String> answer = HTTP.send(request(path).header("Authorization", "Bearer " + ADMIN).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(path + " " + answer.body()).isEqualTo(200);
        JsonNode periods = JSON.readTree(answer.body());
        assertThat(periods).as(path).hasSize(1);
        return periods.get(0).get("counters").get("total_views").asLong();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(GUARD);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(GUARD).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
