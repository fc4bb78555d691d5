package io.github.iskahomes.analytics.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.internal.EventJson;
import io.github.iskahomes.analytics.testing.RedisExtension;
import io.github.iskahomes.analytics.testing.TestRedis;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisExtension.class)
class IngestHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "s3cret-webhook";

    private Ingestor ingestor;
    private IngestHandler handler;
    private TestRedis redis;

    @BeforeEach
    void open(TestRedis redis) {
        this.redis = redis;
        ingestor = Ingestor.connect(redis.uri(), IngestorConfig.builder().keyPrefix(redis.keyPrefix())
                .maxEventsPerRequest(50).commandTimeout(Duration.ofMillis(500)).build());
        handler = new IngestHandler(ingestor,
                IngestHandlerConfig.builder().webhookSecret(SECRET).maxBodyBytes(64 * 1024).build());
    }

    @AfterEach
    void close() {
        ingestor.close();
    }

    private static byte[] body(List<Event> events) {
        return EventJson.encodeIngestBody(events);
    }

    private static List<Event> views(int n) {
        return new Scenario().events.subList(0, n);
    }

    private IngestHandler.Response post(Map<String, String> headers, byte[] body) {
        return handler.handle(headers, new ByteArrayInputStream(body));
    }

    private static Map<String, String> auth(String... more) {
        java.util.HashMap<String, String> headers = new java.util.HashMap<>(Map.of("authorization", "Bearer " + SECRET));
        for (int i = 0; i < more.length; i += 2) {
            headers.put(more[i], more[i + 1]);
        }
        return headers;
    }

    @Test
    void answers200WithTheResultForAnyContentType() throws IOException {
        IngestHandler.Response response = post(auth("Content-Type", "text/plain;charset=UTF-8"), body(views(3)));
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers()).containsEntry("Content-Type", "application/json");
        assertThat(response.body()).isEqualTo("{\"success\":true,\"ingested\":3,\"duplicates\":0,\"byDay\":{\""
                + Scenario.DAY_KEY + "\":3},\"rejected\":[]}");
    }

    @Test
    void badEventsAreListedAndGoodOnesIngested() throws IOException {
        byte[] body = ("{\"events\":[{\"event\":\"property_view\",\"uuid\":\"a1\",\"distinct_id\":\"S1\","
                + "\"properties\":{\"listingId\":\"L1\"}},{\"event\":\"nope\",\"uuid\":\"a2\",\"distinct_id\":\"S1\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        IngestHandler.Response response = post(auth(), body);
        assertThat(response.status()).isEqualTo(200);
        JsonNode json = JSON.readTree(response.body());
        assertThat(json.get("ingested").asInt()).isEqualTo(1);
        assertThat(json.get("rejected").toString())
                .isEqualTo("[{\"index\":1,\"uuid\":\"a2\",\"reason\":\"event \\\"nope\\\" is not in the catalogue\"}]");
    }

    @Test
    void acceptsTheSecretAsBearerOrHeaderAndRefusesMissingOrWrongWith401() throws IOException {
        byte[] body = body(views(1));
        assertThat(post(Map.of("X-Webhook-Secret", SECRET), body).status()).isEqualTo(200);
        assertThat(post(Map.of("Authorization", "bearer " + SECRET), body).status()).isEqualTo(200);

        IngestHandler.Response missing = post(Map.of(), body);
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.headers()).containsEntry("WWW-Authenticate", "Bearer");
        assertThat(JSON.readTree(missing.body()).get("error").asText()).isEqualTo(
                "the webhook secret is missing; send it as \"Authorization: Bearer <secret>\", \"X-Webhook-Secret\","
                        + " the api_key query parameter, or as the PostHog project key (api_key or token)");
        IngestHandler.Response wrong = post(Map.of("Authorization", "Bearer " + SECRET + "x"), body);
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.body()).isEqualTo("{\"success\":false,\"error\":\"the webhook secret is wrong\"}");
        assertThat(post(Map.of("X-Webhook-Secret", "s3cret"), body).status()).isEqualTo(401);
    }

    @Test
    void malformedJsonIs400WithLineAndColumn() throws IOException {
        IngestHandler.Response response = post(auth(), "{\"events\":[\n  {\"event\": }\n]}".getBytes(StandardCharsets.UTF_8));
        assertThat(response.status()).isEqualTo(400);
        JsonNode json = JSON.readTree(response.body());
        assertThat(json.get("success").asBoolean()).isFalse();
        assertThat(json.get("error").asText()).startsWith("malformed JSON: ").endsWith("(line 2, column 13)");
        assertThat(json.get("line").asInt()).isEqualTo(2);
        assertThat(json.get("column").asInt()).isEqualTo(13);

        IngestHandler.Response shape = post(auth(), "{\"hello\":1}".getBytes(StandardCharsets.UTF_8));
        assertThat(shape.status()).isEqualTo(400);
        assertThat(JSON.readTree(shape.body()).get("error").asText()).startsWith("expected {\"events\":[…]}");
    }

    @Test
    void gzipBodiesAreDecompressedWithOrWithoutTheHeader() throws IOException {
        byte[] gzipped = gzip(body(views(4)));
        assertThat(post(auth("Content-Encoding", "gzip"), gzipped).body()).contains("\"ingested\":4");
        assertThat(post(auth(), gzipped).body()).contains("\"duplicates\":4");
        IngestHandler.Response broken = post(auth("Content-Encoding", "gzip"), "not gzip".getBytes(StandardCharsets.UTF_8));
        assertThat(broken.status()).isEqualTo(400);
        assertThat(JSON.readTree(broken.body()).get("error").asText()).startsWith("the body is not valid gzip: ");
    }

    @Test
    void tooLargeBodiesAndGzipBombsAre413() throws IOException {
        byte[] big = new byte[65 * 1024];
        java.util.Arrays.fill(big, (byte) ' ');
        IngestHandler.Response declared = post(auth("Content-Length", Integer.toString(big.length)), big);
        assertThat(declared.status()).isEqualTo(413);
        assertThat(JSON.readTree(declared.body()).get("error").asText())
                .isEqualTo("the request body is 66560 bytes; at most 65536 are allowed");

        IngestHandler.Response streamed = post(auth(), big);
        assertThat(streamed.status()).isEqualTo(413);
        assertThat(JSON.readTree(streamed.body()).get("error").asText())
                .isEqualTo("the request body is larger than 65536 bytes");

        // 20 MB of whitespace compress to about 20 KB: under the limit on the wire, far over it once inflated.
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bomb)) {
            gzip.write("{\"events\":[".getBytes(StandardCharsets.UTF_8));
            byte[] spaces = new byte[1024 * 1024];
            java.util.Arrays.fill(spaces, (byte) ' ');
            for (int i = 0; i < 20; i++) {
                gzip.write(spaces);
            }
        }
        assertThat(bomb.size()).isLessThan(64 * 1024);
        IngestHandler.Response exploded = post(auth("Content-Encoding", "gzip"), bomb.toByteArray());
        assertThat(exploded.status()).isEqualTo(413);
        assertThat(JSON.readTree(exploded.body()).get("error").asText())
                .isEqualTo("the request body is larger than 65536 bytes after gzip decompression");
    }

    @Test
    void tooManyEventsIs413() throws IOException {
        List<Event> many = new java.util.ArrayList<>();
        for (int i = 0; i < 51; i++) {
            many.add(IngestorTest.view("L1", "S1", Scenario.NOON));
        }
        IngestHandler.Response response = post(auth(), body(many));
        assertThat(response.status()).isEqualTo(413);
        assertThat(JSON.readTree(response.body()).get("error").asText())
                .isEqualTo("the request has more than 50 events; at most 50 are allowed per request");
    }

    @Test
    void redisUnavailableIs503WithRetryAfter() throws IOException {
        redis.stop();
        try {
            IngestHandler.Response response = post(auth(), body(views(2)));
            assertThat(response.status()).isEqualTo(503);
            assertThat(response.headers()).containsEntry("Retry-After", "5");
            assertThat(JSON.readTree(response.body()).get("error").asText())
                    .startsWith("Redis at " + redis.uri() + " is unavailable: ");
        } finally {
            redis.start();
        }
    }

    @Test
    void aRealHttpServerAroundTheHandlerTakesABeaconPost() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/ingest/posthog", exchange -> {
            IngestHandler.Response response = handler.handle(exchange.getRequestHeaders()::getFirst, exchange.getRequestBody());
            response.headers().forEach(exchange.getResponseHeaders()::set);
            byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(response.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        try {
            URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/ingest/posthog");
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> ok = http.send(HttpRequest.newBuilder(uri).header("Content-Type", "text/plain;charset=UTF-8")
                    .header("X-Webhook-Secret", SECRET).POST(HttpRequest.BodyPublishers.ofByteArray(body(views(2)))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(ok.body()).contains("\"ingested\":2");
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(uri)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body(views(2)))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(401);
        } finally {
            server.stop(0);
        }
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        }
        return out.toByteArray();
    }
}
