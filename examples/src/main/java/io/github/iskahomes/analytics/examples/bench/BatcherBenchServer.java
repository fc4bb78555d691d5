package io.github.iskahomes.analytics.examples.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

/**
 * The local endpoint every client in {@link BatcherBenchmark} sends to: answers 200 {@code {"status":1}} on any path
 * (the batcher's {@code /api/ingest/posthog}, PostHog's {@code /batch/}, Segment's {@code /v1/import}) and counts the
 * events it received, so each client's delivered rate can be shown beside its {@code track()} rate.
 */
final class BatcherBenchServer implements AutoCloseable {
    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] OK = "{\"status\":1}".getBytes(StandardCharsets.UTF_8);

    static {
        // Without TCP_NODELAY the JDK server's header and body writes meet the client's delayed ACK: 40 ms a request.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();

    BatcherBenchServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        executor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "bench-endpoint");
            thread.setDaemon(true);
            return thread;
        });
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    long events() {
        return events.get();
    }

    long requests() {
        return requests.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            InputStream body = exchange.getRequestBody();
            String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
            if (encoding != null && encoding.toLowerCase().contains("gzip")) {
                body = new GZIPInputStream(body);
            }
            events.addAndGet(countEvents(body));
            requests.incrementAndGet();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, OK.length);
            exchange.getResponseBody().write(OK);
        }
    }

    /** Elements of a bare array or of the body's {@code events} / {@code batch} array. */
    private static long countEvents(InputStream body) throws IOException {
        try (JsonParser parser = JSON.createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first == JsonToken.START_ARRAY) {
                return countElements(parser);
            }
            long count = 0;
            while (first == JsonToken.START_OBJECT && parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (value == JsonToken.START_ARRAY && (field.equals("events") || field.equals("batch"))) {
                    count += countElements(parser);
                } else {
                    parser.skipChildren();
                }
            }
            return count;
        }
    }

    private static long countElements(JsonParser parser) throws IOException {
        long count = 0;
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            count++;
            parser.skipChildren();
        }
        return count;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
