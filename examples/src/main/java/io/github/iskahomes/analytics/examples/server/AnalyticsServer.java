package io.github.iskahomes.analytics.examples.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.iskahomes.analytics.core.AnalyticsException;
import io.github.iskahomes.analytics.core.StoreUnavailableException;
import io.github.iskahomes.analytics.jdbc.AnalyticsQueries;
import io.github.iskahomes.analytics.jdbc.Aggregator;
import io.github.iskahomes.analytics.jdbc.Grain;
import io.github.iskahomes.analytics.jdbc.Ranking;
import io.github.iskahomes.analytics.redis.IngestHandler;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP server (the JDK's) around the library, the way a host app would wire it:
 * <ul>
 *   <li>{@code POST /api/ingest/posthog}: the {@link IngestHandler};</li>
 *   <li>PostHog's own capture paths {@code /batch/}, {@code /capture/}, {@code /e/}, {@code /i/v0/e/},
 *       {@code /track/} with the body forms PostHog SDKs send (JSON, gzip, form-encoded {@code data=} base64);</li>
 *   <li>{@code POST /api/cron/analytics}: runs the aggregator and answers its summary;</li>
 *   <li>{@code GET /api/analytics/{listings|listers|developments}/{id}?from=&to=&grain=day|week|month|quarter|year}
 *       and {@code GET /api/analytics/top-listings?from=&to=&by=views|leads|conversion&limit=10}.</li>
 * </ul>
 * Closing stops the HTTP server only; the components belong to whoever built them.
 */
public final class AnalyticsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AnalyticsServer.class);
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final List<String> POSTHOG_PATHS = List.of("/batch", "/capture", "/e", "/i/v0/e", "/track");

    static {
        // The JDK server writes response headers and body separately; with Nagle on, each answer then waits for the
        // client's delayed ACK (40 ms on Linux), capping a sequential client at ~20 requests/s.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer http;
    private final ExecutorService executor;
    private final IngestHandler ingest;
    private final Aggregator aggregator;
    private final AnalyticsQueries queries;

    private AnalyticsServer(HttpServer http, ExecutorService executor, IngestHandler ingest, Aggregator aggregator,
                            AnalyticsQueries queries) {
        this.http = http;
        this.executor = executor;
        this.ingest = ingest;
        this.aggregator = aggregator;
        this.queries = queries;
    }

    /** Starts serving on {@code port} (0 picks a free one) on all interfaces. */
    public static AnalyticsServer start(int port, IngestHandler ingest, Aggregator aggregator, AnalyticsQueries queries)
            throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(port), 128);
        ExecutorService executor = Executors.newFixedThreadPool(8, runnable -> {
            Thread thread = new Thread(runnable, "analytics-http");
            thread.setDaemon(true);
            return thread;
        });
        http.setExecutor(executor);
        AnalyticsServer server = new AnalyticsServer(http, executor, Objects.requireNonNull(ingest),
                Objects.requireNonNull(aggregator), Objects.requireNonNull(queries));
        http.createContext("/", server::route);
        http.start();
        return server;
    }

    public int port() {
        return http.getAddress().getPort();
    }

    private void route(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            String trimmed = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
            if (trimmed.equals("/api/ingest/posthog")) {
                requirePost(exchange, method);
                ingest(exchange, exchange.getRequestBody(), exchange.getRequestHeaders()::getFirst);
            } else if (POSTHOG_PATHS.contains(trimmed)) {
                requirePost(exchange, method);
                InputStream form = formData(exchange);
                if (form == null) {
                    ingest(exchange, exchange.getRequestBody(), exchange.getRequestHeaders()::getFirst);
                } else {
                    // The decoded data= field is not what Content-Length and Content-Encoding described.
                    ingest(exchange, form, name -> name.equalsIgnoreCase("Content-Length")
                            || name.equalsIgnoreCase("Content-Encoding") ? null
                            : exchange.getRequestHeaders().getFirst(name));
                }
            } else if (trimmed.equals("/api/cron/analytics")) {
                requirePost(exchange, method);
                send(exchange, 200, aggregator.run().toJson());
            } else if (trimmed.startsWith("/api/analytics/")) {
                if (!method.equals("GET")) {
                    throw new HttpError(405, "use GET");
                }
                send(exchange, 200, JSON.writeValueAsString(read(trimmed.substring("/api/analytics/".length()),
                        query(exchange))));
            } else {
                throw new HttpError(404, "no route for " + method + " " + path);
            }
        } catch (HttpError e) {
            sendError(exchange, e.status, e.getMessage());
        } catch (StoreUnavailableException e) {
            exchange.getResponseHeaders().set("Retry-After", "5");
            sendError(exchange, 503, e.getMessage());
        } catch (AnalyticsException | IllegalArgumentException e) {
            sendError(exchange, 400, e.getMessage());
        } catch (RuntimeException e) {
            log.error("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            sendError(exchange, 500, "internal error: " + e);
        } finally {
            exchange.close();
        }
    }

    private void ingest(HttpExchange exchange, InputStream body, Function<String, String> headers) throws IOException {
        IngestHandler.Response response = ingest.handle(headers, body);
        response.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        send(exchange, response.status(), response.body());
    }

    /**
     * PostHog's web SDK may post {@code data=<base64 or JSON>} form-encoded: the decoded field, or {@code null} for
     * every other body (JSON, gzip: the ingest handler takes those as they are, recognising gzip by its magic bytes).
     */
    private static InputStream formData(HttpExchange exchange) throws IOException {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            return null;
        }
        byte[] raw = exchange.getRequestBody().readNBytes(32 * 1024 * 1024);
        String form = new String(raw, StandardCharsets.UTF_8);
        if (form.startsWith("{") || form.startsWith("[")) {
            return new ByteArrayInputStream(raw); // JSON sent with a form content type, as curl -d does
        }
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals("data")) {
                String data = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8).trim();
                return new ByteArrayInputStream(data.startsWith("{") || data.startsWith("[")
                        ? data.getBytes(StandardCharsets.UTF_8)
                        : Base64.getDecoder().decode(data));
            }
        }
        throw new HttpError(400, "form body without a data= field");
    }

    private Object read(String resource, Map<String, String> query) {
        LocalDate to = date(query, "to", LocalDate.now());
        LocalDate from = date(query, "from", to.minusDays(6));
        if (resource.equals("top-listings")) {
            Ranking by = enumValue(Ranking.class, query.getOrDefault("by", "views"));
            int limit = Integer.parseInt(query.getOrDefault("limit", "10"));
            return queries.topListings(from, to, by, limit);
        }
        int slash = resource.indexOf('/');
        if (slash <= 0 || slash == resource.length() - 1) {
            throw new HttpError(404, "expected /api/analytics/{listings|listers|developments}/{id} or top-listings");
        }
        String id = URLDecoder.decode(resource.substring(slash + 1), StandardCharsets.UTF_8);
        Grain grain = enumValue(Grain.class, query.getOrDefault("grain", "day"));
        return switch (resource.substring(0, slash)) {
            case "listings" -> queries.listing(id, from, to, grain);
            case "listers" -> queries.lister(id, from, to, grain);
            case "developments" -> queries.development(id, from, to, grain);
            default -> throw new HttpError(404, "unknown entity kind " + resource.substring(0, slash));
        };
    }

    private static LocalDate date(Map<String, String> query, String name, LocalDate fallback) {
        String value = query.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw new HttpError(400, name + " \"" + value + "\" is not a date like 2025-01-15");
        }
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String value) {
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new HttpError(400, "\"" + value + "\" is not one of " + java.util.Arrays.toString(type.getEnumConstants())
                    .toLowerCase(Locale.ROOT));
        }
    }

    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> query = new LinkedHashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return query;
    }

    private static void requirePost(HttpExchange exchange, String method) {
        if (!method.equals("POST")) {
            exchange.getResponseHeaders().set("Allow", "POST");
            throw new HttpError(405, "use POST");
        }
    }

    private static void sendError(HttpExchange exchange, int status, String message) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", false);
        body.put("error", message);
        send(exchange, status, JSON.writeValueAsString(body));
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        http.stop(1);
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class HttpError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;

        HttpError(int status, String message) {
            super(message);
            this.status = status;
        }
    }
}
