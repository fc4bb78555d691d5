package io.github.iskahomes.analytics.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.iskahomes.analytics.batcher.EventBatcher;
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
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The example app on a real Redis and PostgreSQL over real HTTP: its own page tracks through the batcher, a PostHog
 * SDK posts to a capture path, and the host's Spring Security (not the starter) guards the cron and read paths.
 */
@ExtendWith({RedisExtension.class, PostgresExtension.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
// Closed after the class, while Redis and PostgreSQL still run: the batcher drains and nothing reconnects in vain.
@DirtiesContext
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ExampleApplicationTest {
    private static final String SECRET = "phc_example_secret";
    private static final String PASSWORD = "example-admin-password";
    private static final Duration GUARD = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(GUARD).build();
    private static volatile TestRedis redis;
    private static volatile TestPostgres postgres;

    @LocalServerPort
    private int port;

    @Autowired
    private EventBatcher batcher;

    ExampleApplicationTest(TestRedis testRedis, TestPostgres testPostgres) {
        redis = testRedis;
        postgres = testPostgres;
    }

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        registry.add("analytics.redis.url", () -> redis.uri());
        registry.add("analytics.ingest.key-prefix", () -> redis.keyPrefix());
        registry.add("analytics.ingest.webhook-secret", () -> SECRET);
        registry.add("spring.datasource.url", () -> postgres.jdbcUrl());
        registry.add("spring.datasource.username", () -> postgres.user());
        registry.add("spring.datasource.password", () -> postgres.password());
        registry.add("example.admin.password", () -> PASSWORD);
        registry.add("example.listers", () -> "dev-1:dev-1-password,dev-2:dev-2-password");
    }

    @Test
    void pageViewsAndPostHogEventsReachPostgreSqlBehindTheHostsSecurity() throws Exception {
        String listing = "listing-" + UUID.randomUUID();
        LocalDate today = Instant.now().atZone(ZoneOffset.UTC).toLocalDate();
        for (String seeker : new String[] {"seeker-1", "seeker-2"}) {
            HttpResponse<String> page = send(request("/listings/" + listing + "?seeker=" + seeker + "&from=home")
                    .GET());
            assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        }
        assertThat(batcher.flush(GUARD)).isTrue();
        String postHog = "{\"api_key\":\"" + SECRET + "\",\"batch\":[{\"event\":\"property_view\",\"distinct_id\":"
                + "\"seeker-1\",\"timestamp\":\"" + Instant.now().minusSeconds(5) + "\",\"uuid\":\"" + UUID.randomUUID()
                + "\",\"properties\":{\"listing_id\":\"" + listing + "\",\"viewed_from\":\"search\"}}]}";
        HttpResponse<String> captured = send(request("/batch/").POST(HttpRequest.BodyPublishers.ofString(postHog)));
        assertThat(captured.statusCode()).as(captured.body()).isEqualTo(200);

        // The starter adds no token check of its own: Spring Security answers, and the admin account opens.
        assertThat(send(request("/api/cron/analytics").POST(HttpRequest.BodyPublishers.noBody())).statusCode())
                .isEqualTo(401);
        assertThat(send(request("/api/analytics/top-listings").GET()).statusCode()).isEqualTo(401);
        HttpResponse<String> run = send(admin("/api/cron/analytics").POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(run.statusCode()).as(run.body()).isEqualTo(200);

        HttpResponse<String> read = send(admin("/api/analytics/listings/" + listing + "?from=" + today + "&to="
                + today).GET());
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        JsonNode period = JSON.readTree(read.body()).get(0);
        assertThat(period.get("counters").get("total_views").asLong()).isEqualTo(3);
        assertThat(period.get("counters").get("views_from_home").asLong()).isEqualTo(2);
        assertThat(period.get("counters").get("views_from_search").asLong()).isEqualTo(1);
        assertThat(period.get("uniques").get("unique_views").asLong()).isEqualTo(2);

        // The dashboard's endpoints take the caller from Spring Security: the listing's own lister sees it, another
        // lister is refused, the admin sees everything.
        String dashboard = "/api/dashboard/listings/" + listing + "?from=" + today + "&to=" + today;
        HttpResponse<String> own = send(as("dev-1", "dev-1-password", dashboard).GET());
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
        assertThat(own.body()).contains("\"total_views\":3");
        HttpResponse<String> other = send(as("dev-2", "dev-2-password", dashboard).GET());
        assertThat(other.statusCode()).as(other.body()).isEqualTo(403);
        assertThat(send(admin(dashboard).GET()).statusCode()).isEqualTo(200);
        JsonNode me = JSON.readTree(send(as("dev-2", "dev-2-password", "/api/dashboard/me").GET()).body());
        assertThat(me.get("listerId").asText()).isEqualTo("dev-2");
        assertThat(me.get("admin").asBoolean()).isFalse();

        HttpResponse<String> health = send(request("/actuator/health").GET());
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        assertThat(JSON.readTree(health.body()).get("status").asText()).isEqualTo("UP");
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(GUARD);
    }

    private HttpRequest.Builder admin(String path) {
        return as("admin", PASSWORD, path);
    }

    private HttpRequest.Builder as(String user, String password, String path) {
        return request(path).header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
