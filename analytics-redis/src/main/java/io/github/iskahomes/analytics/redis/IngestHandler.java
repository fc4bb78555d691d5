package io.github.iskahomes.analytics.redis;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.iskahomes.analytics.core.AnalyticsException;
import io.github.iskahomes.analytics.core.MalformedPayloadException;
import io.github.iskahomes.analytics.core.PayloadTooLargeException;
import io.github.iskahomes.analytics.core.StoreUnavailableException;
import io.github.iskahomes.analytics.core.internal.DecodedBatch;
import io.github.iskahomes.analytics.core.internal.DecodedEvent;
import io.github.iskahomes.analytics.core.internal.EventJson;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.zip.ZipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Framework-neutral handling of the capture endpoints ({@code POST /api/ingest/posthog} and PostHog's own
 * {@code /batch/}, {@code /e/}, …): give it a {@link Request} (method, query string, header lookup, body), send back
 * the {@link Response}'s status, headers and JSON body. Thread-safe; one per application.
 *
 * <ul>
 *   <li>When {@link IngestHandlerConfig#webhookSecret()} is set, the request must carry it: as
 *       {@code Authorization: Bearer <secret>}, {@code X-Webhook-Secret: <secret>} or the {@code api_key} (or
 *       {@code token}) query parameter, checked before the body is read; or, as PostHog SDKs send their project key,
 *       as the body's {@code api_key}/{@code token} or every event's {@code properties.token}, checked after the body
 *       is decoded and before any event is applied. Compared in constant time; else 401.</li>
 *   <li>Every body form PostHog SDKs send is decoded here, streaming: JSON with any {@code Content-Type}, gzip
 *       ({@code Content-Encoding: gzip}, {@code ?compression=gzip-js} or the magic bytes), form-encoded
 *       {@code data=} (base64 or JSON), base64 ({@code ?compression=base64}).</li>
 *   <li>Bodies above {@link IngestHandlerConfig#maxBodyBytes()} (on the wire or decompressed) or with more than
 *       {@link IngestorConfig#maxEventsPerRequest()} events: 413. Memory per request is bounded by those limits.</li>
 *   <li>CORS: a preflight ({@code OPTIONS}) from an allowed origin is answered 204, and every answer to an allowed
 *       origin carries {@code Access-Control-Allow-Origin} (see {@link IngestHandlerConfig}); a request from an
 *       origin that is not allowed is refused with 403.</li>
 *   <li>Malformed JSON: 400 with the parser's line and column. Redis unavailable: 503 with
 *       {@code Retry-After} ({@link IngestHandlerConfig#retryAfter()}).
 *       An unexpected failure: 500 with a reference to the log line, never the exception's text.</li>
 *   <li>Otherwise 200 with {@link IngestResult#toJson()}; invalid events are listed in {@code rejected}.</li>
 * </ul>
 */
public final class IngestHandler {
    private static final Logger log = LoggerFactory.getLogger(IngestHandler.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** The most of a refused body read and discarded so the client can read its 413 (Tomcat's default too). */
    static final long MAX_SWALLOW_BYTES = 2L * 1024 * 1024;
    private static final String JSON = "application/json";
    private static final String DEFAULT_ALLOWED_HEADERS =
            "Content-Type, Content-Encoding, Authorization, X-Webhook-Secret, X-Requested-With";

    private final Ingestor ingestor;
    private final int maxEvents;
    private final IngestHandlerConfig config;
    private final byte[] secretDigest;

    /** A handler feeding {@code ingestor} with the {@link IngestHandlerConfig#defaults()}: no secret, any origin. */
    public IngestHandler(Ingestor ingestor) {
        this(ingestor, IngestHandlerConfig.defaults());
    }

    /** A handler feeding {@code ingestor} with these HTTP settings, and the ingestor's per-call event limit. */
    public IngestHandler(Ingestor ingestor, IngestHandlerConfig config) {
        this.ingestor = Objects.requireNonNull(ingestor, "ingestor");
        this.config = Objects.requireNonNull(config, "config");
        this.maxEvents = ingestor.config().maxEventsPerRequest();
        byte[] secret = config.secretBytes();
        this.secretDigest = secret == null ? null : sha256(secret);
    }

    /**
     * What the handler needs of an HTTP request.
     *
     * @param method the HTTP method ({@code POST}, or {@code OPTIONS} for a CORS preflight)
     * @param query  the raw (still percent-encoded) query string without {@code ?}, or {@code null}: a servlet's
     *               {@code getQueryString()}, the JDK server's {@code getRequestURI().getRawQuery()}
     * @param header looks up a request header by name, {@code null} when absent (a servlet's {@code request::getHeader})
     * @param body   the request body; read but not closed
     */
    public record Request(String method, String query, Function<String, String> header, InputStream body) {
        public Request {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(header, "header");
            Objects.requireNonNull(body, "body");
        }

        /** A {@code POST} without a query string. */
        public static Request post(Function<String, String> header, InputStream body) {
            return new Request("POST", null, header, body);
        }

        /** The header's value, or {@code null}. */
        public String header(String name) {
            return header.apply(name);
        }

        /** The first value of a query parameter, decoded once, or {@code null}. */
        public String queryParameter(String name) {
            if (query == null || query.isEmpty()) {
                return null;
            }
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                if (decode(key).equals(name)) {
                    return eq < 0 ? "" : decode(pair.substring(eq + 1));
                }
            }
            return null;
        }

        private static String decode(String text) {
            try {
                return URLDecoder.decode(text, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return text; // a stray '%': the raw text is the best reading
            }
        }
    }

    /**
     * What to answer.
     *
     * @param status  the HTTP status: 200, 204, 400, 401, 403, 405, 413, 500 or 503
     * @param body    the JSON body (empty for 204)
     * @param headers headers to set: {@code Content-Type} (except 204), {@code Retry-After} with 503,
     *                {@code WWW-Authenticate} with 401, and the CORS headers for an allowed origin
     */
    public record Response(int status, String body, Map<String, String> headers) {
        public Response {
            Objects.requireNonNull(body, "body");
            headers = Map.copyOf(headers);
        }
    }

    /** Handles a {@code POST} whose headers are in a map (names matched case-insensitively). */
    public Response handle(Map<String, String> headers, InputStream body) {
        Map<String, String> insensitive = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        insensitive.putAll(headers);
        return handle(Request.post(insensitive::get, body));
    }

    /**
     * Handles a {@code POST} without a query string; see {@link #handle(Request)}.
     *
     * @param header looks up a request header by name, {@code null} when absent (a servlet's
     *               {@code request::getHeader})
     * @param body   the request body
     */
    public Response handle(Function<String, String> header, InputStream body) {
        return handle(Request.post(header, body));
    }

    /** Handles a request. Never throws for anything the client sent; the body stream is read but not closed. */
    public Response handle(Request request) {
        Objects.requireNonNull(request, "request");
        String origin = request.header("Origin");
        Map<String, String> cors = new LinkedHashMap<>();
        if (origin != null) {
            if (!config.allows(origin)) {
                return answer(403, error("the origin " + origin + " is not allowed to send events here"), Map.of());
            }
            // The origin is echoed, not "*": posthog-js's XHR transport sends credentials, and browsers refuse "*"
            // for those. Nothing here is authorised by cookies, so allowing credentials exposes nothing.
            cors.put("Access-Control-Allow-Origin", origin);
            cors.put("Access-Control-Allow-Credentials", "true");
            cors.put("Access-Control-Expose-Headers", "Retry-After");
            cors.put("Vary", "Origin");
        }
        String method = request.method().toUpperCase(Locale.ROOT);
        if (method.equals("OPTIONS")) {
            return preflight(request, cors);
        }
        if (!method.equals("POST")) {
            cors.put("Allow", "POST, OPTIONS");
            return answer(405, error("use POST to send events, not " + request.method()), cors);
        }
        boolean bodyCredential = false;
        if (secretDigest != null) {
            Credential credential = checkSecret(request);
            if (credential == Credential.WRONG) {
                return unauthorized("the webhook secret is wrong", cors);
            }
            bodyCredential = credential == Credential.ABSENT;
        }
        try {
            String length = request.header("Content-Length");
            if (length != null && parseLong(length) > config.maxBodyBytes()) {
                throw new PayloadTooLargeException("the request body is " + length.trim() + " bytes; at most "
                        + config.maxBodyBytes() + " are allowed");
            }
            RequestBody body = RequestBody.open(request.body(), config.maxBodyBytes(), request.header("Content-Type"),
                    request.header("Content-Encoding"), request.queryParameter("compression"));
            DecodedBatch batch = EventJson.decode(body.json(), maxEvents);
            body.finish();
            if (bodyCredential) {
                String problem = checkBodySecret(batch);
                if (problem != null) {
                    return unauthorized(problem, cors);
                }
            }
            IngestResult result = ingestor.ingestBatch(batch);
            return answer(200, result.toJson(), cors);
        } catch (PayloadTooLargeException e) {
            swallow(request.body());
            return answer(413, error(e.getMessage()), cors);
        } catch (MalformedPayloadException e) {
            ObjectNode json = errorNode(e.getMessage());
            if (e.line() > 0) {
                json.put("line", e.line());
                json.put("column", e.column());
            }
            return answer(400, json.toString(), cors);
        } catch (StoreUnavailableException e) {
            log.warn("answering 503: {}", e.getMessage());
            cors.put("Retry-After", Long.toString(Math.max(1, config.retryAfter().toSeconds())));
            return answer(503, error(e.getMessage()), cors);
        } catch (UncheckedIOException e) {
            return answer(400, error(describe(e.getCause())), cors);
        } catch (AnalyticsException | IllegalStateException e) {
            // The client learns that it failed and where to look, never the exception's text (it may name internals).
            String reference = UUID.randomUUID().toString().substring(0, 8);
            log.error("ingest request failed (reference {})", reference, e);
            return answer(500, error("the request could not be handled; the server log has the details under"
                    + " reference " + reference), cors);
        }
    }

    /**
     * Reads and discards up to {@value #MAX_SWALLOW_BYTES} bytes of what is left of a refused body, as Tomcat does
     * ({@code maxSwallowSize}): a client that writes its whole request before it reads the answer (the batcher,
     * most SDKs) then gets the 413, which it acts on, instead of a reset connection, which it would retry. A larger
     * remainder is left unread and the server closes that connection. Nothing is kept: memory stays bounded.
     */
    private static void swallow(InputStream body) {
        byte[] buffer = new byte[8192];
        long left = MAX_SWALLOW_BYTES;
        try {
            while (left > 0) {
                int read = body.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (read < 0) {
                    return;
                }
                left -= read;
            }
        } catch (IOException e) {
            // the client went away; there is nobody left to answer
        }
    }

    private Response preflight(Request request, Map<String, String> cors) {
        Map<String, String> headers = new LinkedHashMap<>(cors);
        headers.put("Allow", "POST, OPTIONS");
        if (!cors.isEmpty()) {
            headers.put("Access-Control-Allow-Methods", "POST, OPTIONS");
            String asked = request.header("Access-Control-Request-Headers");
            // Echoing what the page asks for lets SDKs configured with extra headers through; none of them is
            // trusted for anything but the secret, which is checked as usual.
            headers.put("Access-Control-Allow-Headers", asked != null && asked.matches("[A-Za-z0-9!#$%&'*+.^_`|~, -]*")
                    && !asked.isBlank() ? asked : DEFAULT_ALLOWED_HEADERS);
            headers.put("Access-Control-Max-Age", Long.toString(config.corsMaxAge().toSeconds()));
        }
        return new Response(204, "", headers);
    }

    private static Response answer(int status, String body, Map<String, String> cors) {
        Map<String, String> headers = new LinkedHashMap<>(cors);
        headers.put("Content-Type", JSON);
        return new Response(status, body, headers);
    }

    private static Response unauthorized(String problem, Map<String, String> cors) {
        Map<String, String> headers = new LinkedHashMap<>(cors);
        headers.put("WWW-Authenticate", "Bearer");
        return answer(401, error(problem), headers);
    }

    private enum Credential { VALID, WRONG, ABSENT }

    /** The secret from the headers or the query string, read before the body. */
    private Credential checkSecret(Request request) {
        String authorization = request.header("Authorization");
        String bearer = null;
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            bearer = authorization.substring(7).trim();
        }
        String direct = request.header("X-Webhook-Secret");
        String apiKey = request.queryParameter("api_key");
        String token = request.queryParameter("token");
        if (bearer == null && direct == null && apiKey == null && token == null) {
            return Credential.ABSENT;
        }
        // Every one given is compared, whatever the first gives, so timing does not reveal which one matched.
        boolean match = matches(bearer) | matches(direct) | matches(apiKey) | matches(token);
        return match ? Credential.VALID : Credential.WRONG;
    }

    /**
     * The project key PostHog SDKs put in the body: the batch's {@code api_key}/{@code token}, else every event's
     * {@code properties.token} (posthog-js), which must all be the secret; {@code null} when it holds.
     */
    private String checkBodySecret(DecodedBatch batch) {
        if (batch.apiKey() != null) {
            return matches(batch.apiKey()) ? null : "the webhook secret is wrong";
        }
        boolean any = false;
        boolean all = true;
        for (DecodedEvent element : batch.events()) {
            if (element.event() == null) {
                continue;
            }
            Object token = element.event().properties().get("token");
            any |= token != null;
            all &= token instanceof String text && matches(text);
        }
        if (!any) {
            return "the webhook secret is missing; send it as \"Authorization: Bearer <secret>\", \"X-Webhook-Secret\","
                    + " the api_key query parameter, or as the PostHog project key (api_key or token)";
        }
        return all ? null : "the webhook secret is wrong";
    }

    private boolean matches(String candidate) {
        if (candidate == null) {
            return false;
        }
        // Digests have a fixed length, so the comparison's time depends on neither the secret's length nor content.
        return MessageDigest.isEqual(secretDigest, sha256(candidate.getBytes(StandardCharsets.UTF_8)));
    }

    private static String describe(Throwable cause) {
        if (cause instanceof ZipException || cause instanceof EOFException) {
            return "the body is not valid gzip: " + cause.getMessage();
        }
        if (cause != null && cause.getMessage() != null && cause.getMessage().contains("Base64")) {
            return "the body is not valid base64: " + cause.getMessage();
        }
        return "reading the request body failed: " + (cause == null ? "unknown error" : cause.getMessage());
    }

    private static long parseLong(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String error(String message) {
        return errorNode(message).toString();
    }

    private static ObjectNode errorNode(String message) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("success", false);
        json.put("error", message);
        return json;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
