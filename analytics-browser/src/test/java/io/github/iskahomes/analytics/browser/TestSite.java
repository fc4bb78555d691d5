package io.github.iskahomes.analytics.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.iskahomes.analytics.core.internal.DecodedBatch;
import io.github.iskahomes.analytics.core.internal.DecodedEvent;
import io.github.iskahomes.analytics.core.internal.EventJson;
import io.github.iskahomes.analytics.jdbc.Aggregator;
import io.github.iskahomes.analytics.jdbc.AggregatorConfig;
import io.github.iskahomes.analytics.jdbc.Schema;
import io.github.iskahomes.analytics.redis.IngestHandler;
import io.github.iskahomes.analytics.redis.IngestHandlerConfig;
import io.github.iskahomes.analytics.redis.Ingestor;
import io.github.iskahomes.analytics.redis.IngestorConfig;
import io.github.iskahomes.analytics.testing.TestPostgres;
import io.github.iskahomes.analytics.testing.TestRedis;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;
import org.jdbi.v3.core.Jdbi;

/**
 * The server side of a browser test, all real: a JDK HTTP server that serves the test's pages, the shipped
 * analytics.js (through {@link BrowserScript}) and posthog-js, and takes events at {@code /api/ingest/posthog}
 * through the library's {@link IngestHandler} into an {@link Ingestor} on the test's Redis; an {@link Aggregator}
 * into the test's PostgreSQL schema. It records every ingest request it answered (how it came, what it carried, what
 * it answered), and can be told to fail the next requests in one of three ways.
 */
final class TestSite implements AutoCloseable {

    static final String INGEST_PATH = "/api/ingest/posthog";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How the next requests fail. */
    enum Fault {
        /** 503 with Retry-After: 1, the body not read: the server is down. */
        UNAVAILABLE,
        /** The events are ingested, then the answer is 503: the client cannot know they arrived. */
        INGESTED_THEN_UNAVAILABLE,
        /** The connection is closed without an answer: a network error. */
        CONNECTION_RESET
    }

    /**
     * One ingest request as the server saw it.
     *
     * @param fetchMode   the {@code Sec-Fetch-Mode} header: {@code no-cors} for a beacon, {@code cors} for fetch
     * @param compression the {@code compression} query parameter, or null
     * @param gzipped     whether the body started with gzip's magic bytes
     * @param cookie      whether it carried a {@code Cookie} header
     * @param uuids       the uuids of its events, in order
     * @param status      what the server answered
     * @param ingested    events applied by this request (0 unless 200)
     * @param duplicates  events already applied before (0 unless 200)
     */
    record Delivery(String fetchMode, String compression, boolean gzipped, boolean cookie, List<String> uuids,
                    int status, int ingested, int duplicates) {
        boolean beacon() {
            return "no-cors".equals(fetchMode);
        }
    }

    final Ingestor ingestor;
    final Jdbi jdbi;
    final Aggregator aggregator;
    private final IngestHandler handler;
    private final HttpServer http;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, String> pages = new ConcurrentHashMap<>();
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final java.util.Set<String> distinctIds = ConcurrentHashMap.newKeySet();
    private final Queue<Fault> faults = new ConcurrentLinkedQueue<>();

    TestSite(TestRedis redis, TestPostgres postgres) {
        this(redis, postgres, null);
    }

    /** A site whose ingest endpoint requires {@code secret} (when not null). */
    TestSite(TestRedis redis, TestPostgres postgres, String secret) {
        ingestor = Ingestor.connect(redis.uri(), IngestorConfig.builder().keyPrefix(redis.keyPrefix()).build());
        handler = new IngestHandler(ingestor, IngestHandlerConfig.builder().webhookSecret(secret).build());
        jdbi = Jdbi.create(postgres.dataSource());
        Schema.migrate(jdbi);
        aggregator = Aggregator.create(jdbi, ingestor.reader(), AggregatorConfig.defaults());
        try {
            http = serve(executor, this::route);
        } catch (UncheckedIOException e) {
            ingestor.close();
            throw e;
        }
    }

    /** A started JDK HTTP server on a free loopback port, handling every path with {@code handler}. */
    static HttpServer serve(ExecutorService executor, com.sun.net.httpserver.HttpHandler handler) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            server.setExecutor(executor);
            server.createContext("/", handler);
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:PORT}: where the ingest endpoint lives. */
    String origin() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    /** The same server under another origin ({@code localhost}): a page there posts cross-origin, with CORS. */
    String otherOrigin() {
        return "http://localhost:" + http.getAddress().getPort();
    }

    /** Serves {@code html} at {@code path}. */
    void page(String path, String html) {
        pages.put(path, html);
    }

    /** Fails the next {@code count} ingest requests (after those already told to fail) as {@code how}. */
    void fail(Fault how, int count) {
        for (int i = 0; i < count; i++) {
            faults.add(how);
        }
    }

    List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    /** The distinct ids of every event the server received. */
    java.util.Set<String> receivedDistinctIds() {
        return java.util.Set.copyOf(distinctIds);
    }

    /** The uuids of every event the server received, in every request (so retried ones more than once). */
    List<String> receivedUuids() {
        List<String> all = new ArrayList<>();
        deliveries.forEach(d -> all.addAll(d.uuids()));
        return all;
    }

    private void route(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (path.equals(INGEST_PATH)) {
                ingest(exchange);
            } else if (path.startsWith("/analytics/")) {
                String name = path.substring("/analytics/".length());
                BrowserScript script = name.equals(BrowserScript.module().fileName()) ? BrowserScript.module()
                        : name.equals(BrowserScript.classic().fileName()) ? BrowserScript.classic() : null;
                if (script == null) {
                    send(exchange, 404, "text/plain", "no such script".getBytes(StandardCharsets.UTF_8));
                } else {
                    exchange.getResponseHeaders().set("Cache-Control", BrowserScript.CACHE_CONTROL);
                    exchange.getResponseHeaders().set("ETag", script.etag());
                    send(exchange, 200, BrowserScript.CONTENT_TYPE, script.bytes());
                }
            } else if (path.equals("/posthog/array.no-external.js")) {
                try (InputStream in = TestSite.class.getResourceAsStream("/posthog-js/array.no-external.js")) {
                    send(exchange, 200, "text/javascript; charset=utf-8", in.readAllBytes());
                }
            } else if (pages.containsKey(path)) {
                send(exchange, 200, "text/html; charset=utf-8", pages.get(path).getBytes(StandardCharsets.UTF_8));
            } else {
                send(exchange, 404, "text/plain", ("no page at " + path).getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private void ingest(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getRawQuery();
        String mode = exchange.getRequestHeaders().getFirst("Sec-Fetch-Mode");
        boolean cookie = exchange.getRequestHeaders().containsKey("Cookie");
        if (!exchange.getRequestMethod().equals("POST")) {
            answer(exchange, handler.handle(request(exchange, query, InputStream.nullInputStream())));
            return;
        }
        Fault now = faults.poll();
        if (now == Fault.CONNECTION_RESET) {
            // No answer at all: closing the exchange before any header is sent drops the connection.
            exchange.getRequestBody().readAllBytes();
            deliveries.add(new Delivery(mode, null, false, cookie, List.of(), 0, 0, 0));
            return;
        }
        byte[] body = exchange.getRequestBody().readAllBytes();
        boolean gzipped = body.length > 1 && (body[0] & 0xff) == 0x1f && (body[1] & 0xff) == 0x8b;
        List<String> uuids = uuids(gzipped ? new GZIPInputStream(new ByteArrayInputStream(body)).readAllBytes() : body);
        String compression = new IngestHandler.Request("POST", query, h -> null, InputStream.nullInputStream())
                .queryParameter("compression");
        if (now == Fault.UNAVAILABLE) {
            exchange.getResponseHeaders().set("Retry-After", "1");
            cors(exchange);
            deliveries.add(new Delivery(mode, compression, gzipped, cookie, uuids, 503, 0, 0));
            send(exchange, 503, "application/json", "{\"success\":false,\"error\":\"down for a test\"}"
                    .getBytes(StandardCharsets.UTF_8));
            return;
        }
        IngestHandler.Response response = handler.handle(request(exchange, query, new ByteArrayInputStream(body)));
        JsonNode answer = response.status() == 200 ? JSON.readTree(response.body()) : JSON.createObjectNode();
        int status = now == Fault.INGESTED_THEN_UNAVAILABLE ? 503 : response.status();
        deliveries.add(new Delivery(mode, compression, gzipped, cookie, uuids, status,
                answer.path("ingested").asInt(), answer.path("duplicates").asInt()));
        if (now == Fault.INGESTED_THEN_UNAVAILABLE) {
            cors(exchange);
            send(exchange, 503, "application/json", "{\"success\":false}".getBytes(StandardCharsets.UTF_8));
        } else {
            answer(exchange, response);
        }
    }

    private static IngestHandler.Request request(HttpExchange exchange, String query, InputStream body) {
        return new IngestHandler.Request(exchange.getRequestMethod(), query,
                exchange.getRequestHeaders()::getFirst, body);
    }

    private List<String> uuids(byte[] json) {
        List<String> uuids = new ArrayList<>();
        try {
            DecodedBatch batch = EventJson.decode(json, 100_000);
            for (DecodedEvent element : batch.events()) {
                uuids.add(element.event() == null ? null : element.event().uuid());
                if (element.event() != null && element.event().distinctId() != null) {
                    distinctIds.add(element.event().distinctId());
                }
            }
        } catch (RuntimeException e) {
            uuids.add("undecodable: " + e.getMessage());
        }
        return uuids;
    }

    private static void cors(HttpExchange exchange) {
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        if (origin != null) {
            exchange.getResponseHeaders().set("Access-Control-Allow-Origin", origin);
            exchange.getResponseHeaders().set("Access-Control-Expose-Headers", "Retry-After");
        }
    }

    private static void answer(HttpExchange exchange, IngestHandler.Response response) throws IOException {
        response.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
        exchange.getResponseBody().write(body);
    }

    static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        exchange.getResponseBody().write(body);
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
        ingestor.close();
    }
}
