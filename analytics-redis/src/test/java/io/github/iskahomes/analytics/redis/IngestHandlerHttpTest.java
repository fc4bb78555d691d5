package io.github.iskahomes.analytics.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.internal.EventJson;
import io.github.iskahomes.analytics.testing.RedisExtension;
import io.github.iskahomes.analytics.testing.TestRedis;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The handler behind a real HTTP server, wired as a host servlet would ({@link IngestHandler.Request} with the method,
 * raw query string, headers and body), driven with the bodies PostHog SDKs send.
 */
@ExtendWith(RedisExtension.class)
class IngestHandlerHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "phc_s3cret-project-key";
    private static final IngestHandlerConfig CAPTURE = IngestHandlerConfig.builder().webhookSecret(SECRET)
            .maxBodyBytes(64 * 1024).build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private Ingestor ingestor;
    private HttpServer server;

    @BeforeEach
    void open(TestRedis redis) {
        ingestor = Ingestor.connect(redis.uri(), IngestorConfig.builder().keyPrefix(redis.keyPrefix())
                .maxEventsPerRequest(50).build());
    }

    @AfterEach
    void close() {
        if (server != null) {
            server.stop(0);
        }
        ingestor.close();
    }

    /** A JDK server whose one context hands every request to the handler, the way IngestServlet does. */
    private URI serve(IngestHandler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            IngestHandler.Response response = handler.handle(new IngestHandler.Request(exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders()::getFirst,
                    exchange.getRequestBody()));
            response.headers().forEach(exchange.getResponseHeaders()::set);
            byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
            exchange.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private URI serve() throws IOException {
        return serve(new IngestHandler(ingestor, CAPTURE));
    }

    private static List<Event> views(String listing, int n) {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            events.add(IngestorTest.view(listing, "S" + i, Scenario.NOON));
        }
        return events;
    }

    /** posthog-js's events: an array of captures whose properties carry the project key as {@code token}. */
    private static String posthogJsArray(List<Event> events, String token) {
        List<String> encoded = new ArrayList<>();
        for (Event event : events) {
            Map<String, Object> properties = new LinkedHashMap<>(event.properties());
            if (token != null) {
                properties.put("token", token);
            }
            encoded.add(EventJson.encode(new Event(event.name(), event.distinctId(), event.timestamp(), event.uuid(),
                    properties)));
        }
        return "[" + String.join(",", encoded) + "]";
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(URI uri, String contentType, byte[] body) throws Exception {
        return send(HttpRequest.newBuilder(uri).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private static int ingested(HttpResponse<String> response) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).get("ingested").asInt();
    }

    private static String error(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body()).get("error").asText();
    }

    /** How many of {@code events} are new to Redis: a replay with the header secret counts only those. */
    private int notYetIngested(URI base, List<Event> events) throws Exception {
        return ingested(send(HttpRequest.newBuilder(base.resolve("/api/ingest/posthog"))
                .header("X-Webhook-Secret", SECRET)
                .POST(HttpRequest.BodyPublishers.ofByteArray(EventJson.encodeIngestBody(events)))));
    }

    @Test
    void postHogSdksAuthenticateWithTheProjectKeyInTheBodyOrTheQuery() throws Exception {
        URI base = serve();
        List<Event> batch = views("L-batch", 2);
        List<Event> js = views("L-js", 3);
        List<Event> query = views("L-query", 1);

        // posthog-java/-python/-node: {"api_key": …, "batch": […]}
        assertThat(ingested(post(base.resolve("/batch/"), "application/json",
                EventJson.encodePostHogBatch(SECRET, batch)))).isEqualTo(2);
        // posthog-js: every event's properties.token
        assertThat(ingested(post(base.resolve("/e/"), "application/json",
                posthogJsArray(js, SECRET).getBytes(StandardCharsets.UTF_8)))).isEqualTo(3);
        // ?api_key= on the URL
        assertThat(ingested(post(base.resolve("/i/v0/e/?api_key=" + URLEncoder.encode(SECRET, StandardCharsets.UTF_8)),
                "text/plain", EventJson.encodeIngestBody(query)))).isEqualTo(1);

        List<Event> refused = views("L-refused", 2);
        HttpResponse<String> wrongKey = post(base.resolve("/batch/"), "application/json",
                EventJson.encodePostHogBatch("phc_someone-else", refused));
        assertThat(wrongKey.statusCode()).isEqualTo(401);
        assertThat(error(wrongKey)).isEqualTo("the webhook secret is wrong");
        List<Event> mixed = views("L-mixed", 2);
        String oneWrong = posthogJsArray(mixed.subList(0, 1), SECRET).replace("]", ",")
                + posthogJsArray(mixed.subList(1, 2), "phc_wrong").substring(1);
        assertThat(post(base.resolve("/e/"), "application/json", oneWrong.getBytes(StandardCharsets.UTF_8))
                .statusCode()).isEqualTo(401);
        HttpResponse<String> wrongQuery = post(base.resolve("/e/?api_key=phc_wrong"), "application/json",
                posthogJsArray(refused, SECRET).getBytes(StandardCharsets.UTF_8));
        assertThat(wrongQuery.statusCode()).isEqualTo(401);
        HttpResponse<String> none = post(base.resolve("/e/"), "application/json",
                posthogJsArray(refused, null).getBytes(StandardCharsets.UTF_8));
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(error(none)).startsWith("the webhook secret is missing");

        // Nothing of a refused request reached Redis.
        List<Event> all = new ArrayList<>(refused);
        all.addAll(mixed);
        assertThat(notYetIngested(base, all)).isEqualTo(4);
    }

    @Test
    void everyBodyFormPostHogSdksSendIsDecoded() throws Exception {
        URI base = serve();
        String key = "?api_key=" + SECRET;
        // posthog-js, compression=base64: form-encoded data=<base64 of the JSON array>
        List<Event> form = views("L-form", 2);
        String base64 = Base64.getEncoder().encodeToString(posthogJsArray(form, null).getBytes(StandardCharsets.UTF_8));
        assertThat(ingested(post(base.resolve("/e/" + key + "&compression=base64&ver=1.200.0"),
                "application/x-www-form-urlencoded",
                ("data=" + URLEncoder.encode(base64, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(2);
        // navigator.sendBeacon: the same form, no compression parameter, data= first or not
        List<Event> beacon = views("L-beacon", 1);
        String beacon64 = Base64.getEncoder().encodeToString(posthogJsArray(beacon, null).getBytes(StandardCharsets.UTF_8));
        assertThat(ingested(post(base.resolve("/e/" + key + "&beacon=1"), "application/x-www-form-urlencoded",
                ("ver=1&data=" + URLEncoder.encode(beacon64, StandardCharsets.UTF_8) + "&compression=base64")
                        .getBytes(StandardCharsets.UTF_8)))).isEqualTo(1);
        // older posthog-js: data=<url-encoded JSON>
        List<Event> plainForm = views("L-plain-form", 1);
        assertThat(ingested(post(base.resolve("/e/" + key), "application/x-www-form-urlencoded",
                ("data=" + URLEncoder.encode(posthogJsArray(plainForm, null), StandardCharsets.UTF_8))
                        .getBytes(StandardCharsets.UTF_8)))).isEqualTo(1);
        // posthog-js, compression=gzip-js: raw gzip sent as text/plain
        List<Event> gzipJs = views("L-gzip-js", 3);
        assertThat(ingested(post(base.resolve("/e/" + key + "&compression=gzip-js"), "text/plain",
                gzip(posthogJsArray(gzipJs, null).getBytes(StandardCharsets.UTF_8))))).isEqualTo(3);
        // server SDKs: JSON, and gzip with Content-Encoding
        List<Event> json = views("L-json", 1);
        assertThat(ingested(post(base.resolve("/batch/"), "application/json",
                EventJson.encodePostHogBatch(SECRET, json)))).isEqualTo(1);
        List<Event> gzipped = views("L-gzip", 2);
        assertThat(ingested(send(HttpRequest.newBuilder(base.resolve("/batch/")).header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(gzip(EventJson.encodePostHogBatch(SECRET, gzipped)))))))
                .isEqualTo(2);
        // raw base64 as text/plain
        List<Event> raw64 = views("L-raw64", 1);
        assertThat(ingested(post(base.resolve("/e/" + key + "&compression=base64"), "text/plain",
                Base64.getEncoder().encode(posthogJsArray(raw64, null).getBytes(StandardCharsets.UTF_8))))).isEqualTo(1);

        HttpResponse<String> noData = post(base.resolve("/e/" + key), "application/x-www-form-urlencoded",
                "ver=1&compression=base64".getBytes(StandardCharsets.UTF_8));
        assertThat(noData.statusCode()).isEqualTo(400);
        assertThat(error(noData)).isEqualTo("the form body has no data= field; posthog-js sends data=<base64 or JSON>");
        HttpResponse<String> lz64 = post(base.resolve("/e/" + key + "&compression=lz64"), "application/x-www-form-urlencoded",
                "data=NoIgLg".getBytes(StandardCharsets.UTF_8));
        assertThat(lz64.statusCode()).isEqualTo(400);
        assertThat(error(lz64)).isEqualTo("compression \"lz64\" is not supported; send gzip-js, base64 or none"
                + " (posthog-js's lz64 is not supported)");
    }

    @Test
    void decodedFormsStayWithinMaxBodyBytes() throws Exception {
        URI base = serve();
        // 3 MB of spaces, gzipped, base64'd and form-encoded: about 4 KB on the wire, far over 64 KiB once inflated.
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bomb)) {
            gzip.write('[');
            byte[] spaces = new byte[1024 * 1024];
            java.util.Arrays.fill(spaces, (byte) ' ');
            for (int i = 0; i < 3; i++) {
                gzip.write(spaces);
            }
        }
        String form = "data=" + URLEncoder.encode(Base64.getEncoder().encodeToString(bomb.toByteArray()),
                StandardCharsets.UTF_8);
        assertThat(form.length()).isLessThan(64 * 1024);
        HttpResponse<String> inflated = post(base.resolve("/e/?api_key=" + SECRET + "&compression=base64"),
                "application/x-www-form-urlencoded", form.getBytes(StandardCharsets.UTF_8));
        assertThat(inflated.statusCode()).isEqualTo(413);
        assertThat(error(inflated)).isEqualTo("the request body is larger than 65536 bytes after gzip decompression");

        // A streamed (chunked) form whose data is "[" and 70 KiB of form-encoded spaces: cut at 64 KiB on the wire.
        byte[] large = ("data=%5B" + "+".repeat(70 * 1024)).getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> wire = send(HttpRequest.newBuilder(base.resolve("/e/?api_key=" + SECRET))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(large))));
        assertThat(wire.statusCode()).isEqualTo(413);
        assertThat(error(wire)).isEqualTo("the request body is larger than 65536 bytes");
    }

    @Test
    void aWrongSecretInTheHeadersIsRefusedBeforeTheBodyIsRead() throws Exception {
        URI base = serve();
        try (Socket socket = new Socket("127.0.0.1", base.getPort())) {
            socket.setSoTimeout(10_000); // a guard against hanging, not a measure
            // Headers announce 10,000 bytes that never come: an answer proves the handler did not wait for them.
            socket.getOutputStream().write(("POST /api/ingest/posthog HTTP/1.1\r\nHost: x\r\n"
                    + "Authorization: Bearer wrong\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String status = statusLine(socket.getInputStream());
            assertThat(status).isEqualTo("HTTP/1.1 401 Unauthorized");
        }
    }

    @Test
    void capturePathsAnswerCorsPreflightsAndCarryTheAllowedOrigin() throws Exception {
        URI base = serve();
        String origin = "https://shop.example.com";
        HttpResponse<String> preflight = send(HttpRequest.newBuilder(base.resolve("/e/?ver=1"))
                .header("Origin", origin).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(origin);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods")).hasValue("POST, OPTIONS");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers")).hasValue("content-type");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");
        assertThat(preflight.headers().firstValue("Access-Control-Max-Age")).hasValue("7200");

        HttpResponse<String> posted = send(HttpRequest.newBuilder(base.resolve("/e/"))
                .header("Origin", origin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(posthogJsArray(views("L-cors", 1), SECRET))));
        assertThat(ingested(posted)).isEqualTo(1);
        assertThat(posted.headers().firstValue("Access-Control-Allow-Origin")).hasValue(origin);
        assertThat(posted.headers().firstValue("Vary")).hasValue("Origin");
        // A refusal is readable by the page too, so the SDK sees why instead of a CORS error.
        HttpResponse<String> refused = send(HttpRequest.newBuilder(base.resolve("/e/"))
                .header("Origin", origin).POST(HttpRequest.BodyPublishers.ofString("[]")));
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).hasValue(origin);
    }

    @Test
    void onlyConfiguredOriginsAreAllowed() throws Exception {
        URI base = serve(new IngestHandler(ingestor,
                CAPTURE.toBuilder().allowedOrigins("https://www.example.com/").build()));
        HttpResponse<String> allowed = send(HttpRequest.newBuilder(base.resolve("/e/"))
                .header("Origin", "https://www.example.com").header("Access-Control-Request-Method", "POST")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertThat(allowed.statusCode()).isEqualTo(204);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://www.example.com");

        for (String method : new String[] {"OPTIONS", "POST"}) {
            HttpResponse<String> other = send(HttpRequest.newBuilder(base.resolve("/e/"))
                    .header("Origin", "https://evil.example.net").header("X-Webhook-Secret", SECRET)
                    .method(method, HttpRequest.BodyPublishers.ofString(posthogJsArray(views("L-evil", 1), null))));
            assertThat(other.statusCode()).isEqualTo(403);
            assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
            assertThat(error(other)).isEqualTo("the origin https://evil.example.net is not allowed to send events here");
        }
        // Servers send no Origin: CORS does not concern them.
        assertThat(ingested(send(HttpRequest.newBuilder(base.resolve("/batch/"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(EventJson.encodePostHogBatch(SECRET,
                        views("L-server", 1))))))).isEqualTo(1);
    }

    @Test
    void anUnexpectedFailureIs500WithAReferenceButNotTheExceptionText() throws Exception {
        URI base = serve();
        ingestor.close(); // the handler's ingestor refuses work: an IllegalStateException inside
        HttpResponse<String> response = send(HttpRequest.newBuilder(base.resolve("/api/ingest/posthog"))
                .header("X-Webhook-Secret", SECRET)
                .POST(HttpRequest.BodyPublishers.ofByteArray(EventJson.encodeIngestBody(views("L-500", 1)))));
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(error(response)).matches(
                "the request could not be handled; the server log has the details under reference [0-9a-f]{8}");
        assertThat(response.body()).doesNotContain("closed").doesNotContain("Exception");
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\r') {
            line.append((char) c);
        }
        return line.toString();
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        }
        return out.toByteArray();
    }
}
