package io.github.iskahomes.analytics.examples.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.iskahomes.analytics.core.AnalyticsException;
import io.github.iskahomes.analytics.core.BusinessCalendar;
import io.github.iskahomes.analytics.core.StoreUnavailableException;
import io.github.iskahomes.analytics.jdbc.AnalyticsQueries;
import io.github.iskahomes.analytics.jdbc.Aggregator;
import io.github.iskahomes.analytics.jdbc.Grain;
import io.github.iskahomes.analytics.jdbc.Ranking;
import io.github.iskahomes.analytics.redis.IngestHandler;
import io.github.iskahomes.analytics.redis.Ingestor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP server (the JDK's) around the library, the way a host app would wire it:
 * <ul>
 *   <li>{@code POST /api/ingest/posthog} and PostHog's own capture paths {@code /batch/}, {@code /capture/},
 *       {@code /e/}, {@code /i/v0/e/}, {@code /track/}: the library's {@link IngestHandler}, which decodes every body
 *       form PostHog SDKs send and answers CORS;</li>
 *   <li>{@code POST /api/cron/analytics}: runs the aggregator and answers its summary;</li>
 *   <li>{@code GET /api/analytics/{listings|listers|developments}/{id}?from=&to=&grain=day|week|month|quarter|year}
 *       and {@code GET /api/analytics/top-listings?from=&to=&by=views|leads|conversion&limit=10}.</li>
 * </ul>
 * The cron and read endpoints need the admin token ({@code Authorization: Bearer <token>}); the webhook secret cannot
 * guard them, since it ships to browsers. It binds {@link ServerSettings#host()} (127.0.0.1 unless told otherwise).
 * A client gets {@link ServerSettings#readTimeout()} to send its request and is then disconnected; at most
 * {@link ServerSettings#maxUploads()} requests read an ingest body at once, so slow uploads never take the threads
 * the other requests need. Closing stops the HTTP server only; the components belong to whoever built them.
 */
public final class AnalyticsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AnalyticsServer.class);
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final List<String> CAPTURE_PATHS = List.of("/api/ingest/posthog", "/batch", "/capture", "/e",
            "/i/v0/e", "/track");

    static {
        // The JDK server writes response headers and body separately; with Nagle on, each answer then waits for the
        // client's delayed ACK (40 ms on Linux), capping a sequential client at ~20 requests/s.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer http;
    private final ThreadPoolExecutor executor;
    private final ReadDeadlines deadlines;
    private final Semaphore uploads;
    private final int maxUploads;
    private final IngestHandler ingest;
    private final Aggregator aggregator;
    private final AnalyticsQueries queries;
    private final BusinessCalendar calendar;
    private final Duration retryAfter;
    private final String adminToken;
    private final boolean adminTokenGenerated;
    private final byte[] adminDigest;
    private final Clock clock;

    private AnalyticsServer(HttpServer http, ThreadPoolExecutor executor, ReadDeadlines deadlines,
                            ServerSettings settings, Ingestor ingestor, Aggregator aggregator, AnalyticsQueries queries,
                            Clock clock) {
        this.http = http;
        this.executor = executor;
        this.deadlines = deadlines;
        this.maxUploads = settings.maxUploads();
        this.uploads = new Semaphore(maxUploads);
        this.ingest = new IngestHandler(ingestor, settings.capture());
        this.aggregator = aggregator;
        this.queries = queries;
        this.calendar = ingestor.config().calendar();
        this.retryAfter = settings.capture().retryAfter();
        this.adminTokenGenerated = settings.adminToken() == null;
        this.adminToken = adminTokenGenerated ? generateToken() : settings.adminToken();
        if (adminToken.equals(settings.capture().webhookSecret())) {
            throw new IllegalArgumentException("the admin token must differ from the webhook secret: the webhook"
                    + " secret ships to browsers, the admin token guards the cron and read endpoints");
        }
        this.adminDigest = sha256(adminToken);
        this.clock = clock;
    }

    /**
     * Starts serving.
     *
     * @throws IOException if the address cannot be bound
     */
    public static AnalyticsServer start(ServerSettings settings, Ingestor ingestor, Aggregator aggregator,
                                        AnalyticsQueries queries) throws IOException {
        return start(settings, ingestor, aggregator, queries, Clock.systemUTC());
    }

    static AnalyticsServer start(ServerSettings settings, Ingestor ingestor, Aggregator aggregator,
                                 AnalyticsQueries queries, Clock clock) throws IOException {
        Objects.requireNonNull(settings, "settings");
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getByName(settings.host()),
                settings.port()), 128);
        ReadDeadlines deadlines = new ReadDeadlines(settings.readTimeout());
        AtomicBoolean warned = new AtomicBoolean();
        // A thread per request up to maxConnections, handed over at once and never queued: a queue would make the
        // next client wait behind slow ones. Beyond the limit the JDK server closes the new connection.
        ThreadPoolExecutor executor = new ThreadPoolExecutor(Math.min(8, settings.maxConnections()),
                settings.maxConnections(), 30, TimeUnit.SECONDS, new SynchronousQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "analytics-http");
                    thread.setDaemon(true);
                    return thread;
                }, (task, pool) -> {
                    if (warned.compareAndSet(false, true)) {
                        log.warn("{} requests are being handled at once (maxConnections); refusing more connections",
                                pool.getMaximumPoolSize());
                    }
                    throw new RejectedExecutionException("maxConnections reached");
                });
        http.setExecutor(task -> executor.execute(deadlines.watched(task)));
        AnalyticsServer server;
        try {
            server = new AnalyticsServer(http, executor, deadlines, settings, Objects.requireNonNull(ingestor),
                    Objects.requireNonNull(aggregator), Objects.requireNonNull(queries), clock);
        } catch (RuntimeException e) {
            http.stop(0);
            executor.shutdown();
            deadlines.close();
            throw e;
        }
        http.createContext("/", server::route);
        http.start();
        return server;
    }

    /** The address it really listens on. */
    public InetSocketAddress address() {
        return http.getAddress();
    }

    public int port() {
        return address().getPort();
    }

    /**
     * {@code http://<bound address>:<port>}, as printed: {@code 0.0.0.0} when bound to every interface (the JDK reports
     * that as IPv6's {@code ::}, which also takes IPv4).
     */
    public String url() {
        InetAddress bound = address().getAddress();
        return "http://" + (bound.isAnyLocalAddress() ? "0.0.0.0" : literal(bound)) + ":" + port();
    }

    /** A URL a client on this machine can connect to: the bound address, or loopback when bound to every interface. */
    public String localUrl() {
        InetAddress bound = address().getAddress();
        return bound.isAnyLocalAddress() ? "http://127.0.0.1:" + port() : url();
    }

    /** The admin token the cron and read endpoints require. */
    public String adminToken() {
        return adminToken;
    }

    /** Whether {@link #adminToken()} was generated at start-up (none was configured). */
    public boolean adminTokenGenerated() {
        return adminTokenGenerated;
    }

    private static String literal(InetAddress address) {
        String text = address.getHostAddress();
        return address instanceof Inet6Address ? "[" + text.replaceFirst("%.*", "") + "]" : text;
    }

    private void route(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod();
            String trimmed = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
            if (CAPTURE_PATHS.contains(trimmed)) {
                capture(exchange, method);
                return;
            }
            if (!deadlines.pause()) {
                throw new IOException("the request took longer than the read timeout");
            }
            try {
                if (trimmed.equals("/api/cron/analytics")) {
                    requireAdmin(exchange);
                    requireMethod(exchange, method, "POST");
                    String result = aggregator.run().toJson();
                    deadlines.resume();
                    send(exchange, 200, result);
                } else if (trimmed.startsWith("/api/analytics/")) {
                    requireAdmin(exchange);
                    requireMethod(exchange, method, "GET");
                    String result = JSON.writeValueAsString(read(trimmed.substring("/api/analytics/".length()),
                            query(exchange)));
                    deadlines.resume();
                    send(exchange, 200, result);
                } else {
                    throw new HttpError(404, "no route for " + method + " " + exchange.getRequestURI().getPath());
                }
            } finally {
                deadlines.resume();
            }
        } catch (HttpError e) {
            sendError(exchange, e.status, e.getMessage());
        } catch (StoreUnavailableException e) {
            log.warn("{} {}: {}", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e.getMessage());
            exchange.getResponseHeaders().set("Retry-After", retryAfterSeconds());
            sendError(exchange, 503, e.getMessage());
        } catch (AnalyticsException e) {
            // A store failed (PostgreSQL refusing a statement, Redis erroring): the client can only retry later, and
            // the message may carry SQL, so it stays in the log.
            String reference = reference();
            log.error("{} {} failed (reference {})", exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    reference, e);
            exchange.getResponseHeaders().set("Retry-After", retryAfterSeconds());
            sendError(exchange, 503, "the analytics store failed; retry later (the server log has the details under"
                    + " reference " + reference + ")");
        } catch (IllegalArgumentException e) {
            sendError(exchange, 400, e.getMessage());
        } catch (RuntimeException e) {
            String reference = reference();
            log.error("{} {} failed (reference {})", exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    reference, e);
            sendError(exchange, 500, "internal error; the server log has the details under reference " + reference);
        } finally {
            exchange.close();
        }
    }

    private void capture(HttpExchange exchange, String method) throws IOException {
        boolean upload = method.equalsIgnoreCase("POST");
        if (upload && !uploads.tryAcquire()) {
            exchange.getResponseHeaders().set("Retry-After", "1");
            sendError(exchange, 503, "the server is already reading " + maxUploads + " request bodies; retry shortly");
            return;
        }
        IngestHandler.Response response;
        try {
            response = ingest.handle(new IngestHandler.Request(method, exchange.getRequestURI().getRawQuery(),
                    exchange.getRequestHeaders()::getFirst, deadlines.track(exchange.getRequestBody())));
        } finally {
            if (upload) {
                uploads.release();
            }
            deadlines.resume();
        }
        response.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        if (response.status() == 204) {
            exchange.sendResponseHeaders(204, -1);
        } else {
            send(exchange, response.status(), response.body());
        }
    }

    private void requireAdmin(HttpExchange exchange) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"analytics-admin\"");
            throw new HttpError(401, "this endpoint needs the admin token: send \"Authorization: Bearer <admin token>\""
                    + " (serve prints it at start-up; set it with --admin-token or ANALYTICS_ADMIN_TOKEN)");
        }
        // Digests have a fixed length: the comparison's time tells nothing of the token.
        if (!MessageDigest.isEqual(adminDigest, sha256(authorization.substring(7).trim()))) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"analytics-admin\"");
            throw new HttpError(401, "the admin token is wrong");
        }
    }

    private Object read(String resource, Map<String, String> query) {
        // "Today" is the business zone's, like the days the ingestor files events under, not the JVM's.
        LocalDate to = date(query, "to", calendar.dayOf(clock.instant()));
        LocalDate from = date(query, "from", to.minusDays(6));
        if (resource.equals("top-listings")) {
            Ranking by = enumValue(Ranking.class, query.getOrDefault("by", "views"));
            return queries.topListings(from, to, by, limit(query.getOrDefault("limit", "10")));
        }
        int slash = resource.indexOf('/');
        if (slash <= 0 || slash == resource.length() - 1 || resource.indexOf('/', slash + 1) >= 0) {
            throw new HttpError(404, "expected /api/analytics/{listings|listers|developments}/{id} or top-listings");
        }
        // The raw path is decoded exactly once, as a path: '+' is a plus, not a space.
        String id = decodePathSegment(resource.substring(slash + 1));
        Grain grain = enumValue(Grain.class, query.getOrDefault("grain", "day"));
        return switch (resource.substring(0, slash)) {
            case "listings" -> queries.listing(id, from, to, grain);
            case "listers" -> queries.lister(id, from, to, grain);
            case "developments" -> queries.development(id, from, to, grain);
            default -> throw new HttpError(404, "unknown entity kind " + resource.substring(0, slash));
        };
    }

    /** RFC 3986 percent-decoding of one path segment, as UTF-8; a malformed escape is the client's error. */
    static String decodePathSegment(String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '%') {
                int codePoint = raw.codePointAt(i);
                byte[] literal = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
                bytes.write(literal, 0, literal.length);
                i += Character.charCount(codePoint) - 1;
                continue;
            }
            int high = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
            int low = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
            if (high < 0 || low < 0) {
                throw new HttpError(400, "the path segment \"" + raw + "\" has a '%' that is not followed by two hex"
                        + " digits; write a literal % as %25");
            }
            bytes.write(high << 4 | low);
            i += 2;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new HttpError(400, "the path segment \"" + raw + "\" is not percent-encoded UTF-8");
        }
    }

    private static int limit(String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new HttpError(400, "limit \"" + value + "\" is not a whole number");
        }
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
                    try {
                        query.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                                URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                    } catch (IllegalArgumentException e) {
                        throw new HttpError(400, "the query parameter \"" + pair + "\" has a malformed %-escape");
                    }
                }
            }
        }
        return query;
    }

    private static void requireMethod(HttpExchange exchange, String method, String expected) {
        if (!method.equals(expected)) {
            exchange.getResponseHeaders().set("Allow", expected);
            throw new HttpError(405, "use " + expected);
        }
    }

    private String retryAfterSeconds() {
        return Long.toString(Math.max(1, retryAfter.toSeconds()));
    }

    private static String reference() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static String generateToken() {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
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
        deadlines.close();
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
