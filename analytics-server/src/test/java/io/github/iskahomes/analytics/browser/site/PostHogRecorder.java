package io.github.iskahomes.analytics.browser.site;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.internal.DecodedEvent;
import io.github.iskahomes.analytics.core.internal.EventJson;
import io.github.iskahomes.analytics.redis.IngestHandler;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;

/**
 * A second capture endpoint standing in for PostHog's servers: it answers posthog-js as PostHog does (CORS, a
 * preflight, {@code {"status":1}}), decodes every body form posthog-js sends (gzip-js, base64, form {@code data=},
 * plain JSON) and records each event it receives.
 */
final class PostHogRecorder implements AutoCloseable {

    private final HttpServer http;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<String> paths = new CopyOnWriteArrayList<>();

    PostHogRecorder() {
        http = serve(executor, this::handle);
    }

    String url() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    List<Event> events() {
        return List.copyOf(events);
    }

    /** Every path posthog-js asked for, in order. */
    List<String> paths() {
        return List.copyOf(paths);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            paths.add(exchange.getRequestMethod() + " " + path);
            String origin = exchange.getRequestHeaders().getFirst("Origin");
            if (origin != null) {
                exchange.getResponseHeaders().set("Access-Control-Allow-Origin", origin);
                exchange.getResponseHeaders().set("Access-Control-Allow-Credentials", "true");
            }
            if (exchange.getRequestMethod().equals("OPTIONS")) {
                exchange.getResponseHeaders().set("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
                String asked = exchange.getRequestHeaders().getFirst("Access-Control-Request-Headers");
                exchange.getResponseHeaders().set("Access-Control-Allow-Headers", asked == null ? "Content-Type" : asked);
                exchange.sendResponseHeaders(204, -1);
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (exchange.getRequestMethod().equals("POST") && body.length > 0 && isCapture(path)) {
                String compression = new IngestHandler.Request("POST", exchange.getRequestURI().getRawQuery(),
                        h -> null, java.io.InputStream.nullInputStream()).queryParameter("compression");
                for (DecodedEvent element : EventJson.decode(json(body, compression), 100_000).events()) {
                    events.add(element.event());
                }
                send(exchange, 200, "application/json", "{\"status\":1}".getBytes(StandardCharsets.UTF_8));
            } else {
                // Flags, remote config: nothing is enabled.
                send(exchange, 200, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static boolean isCapture(String path) {
        return path.startsWith("/e") || path.startsWith("/i/v0/e") || path.startsWith("/batch")
                || path.startsWith("/capture") || path.startsWith("/track");
    }

    private static byte[] json(byte[] body, String compression) throws IOException {
        String text = new String(body, StandardCharsets.ISO_8859_1);
        if (text.startsWith("data=")) {
            body = Base64.getDecoder().decode(URLDecoder.decode(text.substring(5), StandardCharsets.UTF_8).trim());
        } else if ("base64".equals(compression)) {
            body = Base64.getDecoder().decode(text.trim());
        }
        if ("gzip-js".equals(compression) || (body.length > 1 && (body[0] & 0xff) == 0x1f && (body[1] & 0xff) == 0x8b)) {
            body = new GZIPInputStream(new ByteArrayInputStream(body)).readAllBytes();
        }
        return body;
    }

    /** A started JDK HTTP server on a free loopback port, handling every path with {@code handler}. */
    private static HttpServer serve(ExecutorService executor, com.sun.net.httpserver.HttpHandler handler) {
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

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        exchange.getResponseBody().write(body);
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }
}
