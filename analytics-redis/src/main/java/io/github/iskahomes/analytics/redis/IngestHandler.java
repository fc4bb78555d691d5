package io.github.iskahomes.analytics.redis;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.iskahomes.analytics.core.AnalyticsException;
import io.github.iskahomes.analytics.core.MalformedPayloadException;
import io.github.iskahomes.analytics.core.PayloadTooLargeException;
import io.github.iskahomes.analytics.core.StoreUnavailableException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Framework-neutral handling of {@code POST /api/ingest/posthog}: give it the request headers and body, send back the
 * {@link Response}'s status, headers and JSON body. Thread-safe; one per application.
 *
 * <ul>
 *   <li>When {@link IngestorConfig#webhookSecret()} is set, the request must carry it as
 *       {@code Authorization: Bearer <secret>} or {@code X-Webhook-Secret: <secret>} (compared in constant time),
 *       else 401.</li>
 *   <li>Any {@code Content-Type} is accepted (a browser's {@code navigator.sendBeacon} sends {@code text/plain}).
 *       Bodies compressed with gzip ({@code Content-Encoding: gzip}, or recognised by their magic bytes) are
 *       decompressed.</li>
 *   <li>Bodies above {@link IngestorConfig#maxBodyBytes()} (before or after decompression) or with more than
 *       {@link IngestorConfig#maxEventsPerRequest()} events: 413.</li>
 *   <li>Malformed JSON: 400 with the parser's line and column. Redis unavailable: 503 with {@code Retry-After}.</li>
 *   <li>Otherwise 200 with {@link IngestResult#toJson()}; invalid events are listed in {@code rejected}.</li>
 * </ul>
 */
public final class IngestHandler {
    private static final Logger log = LoggerFactory.getLogger(IngestHandler.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");

    private final Ingestor ingestor;
    private final IngestorConfig config;
    private final byte[] secretDigest;

    /** A handler feeding {@code ingestor}, with its limits and secret. */
    public IngestHandler(Ingestor ingestor) {
        this.ingestor = Objects.requireNonNull(ingestor, "ingestor");
        this.config = ingestor.config();
        byte[] secret = config.secretBytes();
        this.secretDigest = secret == null ? null : sha256(secret);
    }

    /**
     * What to answer.
     *
     * @param status  the HTTP status: 200, 400, 401, 413, 500 or 503
     * @param body    the JSON body
     * @param headers headers to set: always {@code Content-Type}, plus {@code Retry-After} with 503 and
     *                {@code WWW-Authenticate} with 401
     */
    public record Response(int status, String body, Map<String, String> headers) {
        public Response {
            Objects.requireNonNull(body, "body");
            headers = Map.copyOf(headers);
        }
    }

    /** Handles a request whose headers are in a map (names matched case-insensitively). */
    public Response handle(Map<String, String> headers, InputStream body) {
        Map<String, String> insensitive = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        insensitive.putAll(headers);
        return handle(insensitive::get, body);
    }

    /**
     * Handles a request. Never throws for anything the client sent; the body stream is read but not closed.
     *
     * @param header looks up a request header by name, {@code null} when absent (a servlet's
     *               {@code request::getHeader})
     * @param body   the request body
     */
    public Response handle(Function<String, String> header, InputStream body) {
        if (secretDigest != null) {
            String problem = checkSecret(header);
            if (problem != null) {
                return new Response(401, error(problem), Map.of("Content-Type", "application/json",
                        "WWW-Authenticate", "Bearer"));
            }
        }
        try {
            String length = header.apply("Content-Length");
            if (length != null && parseLong(length) > config.maxBodyBytes()) {
                throw new PayloadTooLargeException("the request body is " + length.trim() + " bytes; at most "
                        + config.maxBodyBytes() + " are allowed");
            }
            IngestResult result = ingestor.ingest(open(header, body));
            return new Response(200, result.toJson(), JSON);
        } catch (PayloadTooLargeException e) {
            return new Response(413, error(e.getMessage()), JSON);
        } catch (MalformedPayloadException e) {
            ObjectNode json = errorNode(e.getMessage());
            if (e.line() > 0) {
                json.put("line", e.line());
                json.put("column", e.column());
            }
            return new Response(400, json.toString(), JSON);
        } catch (StoreUnavailableException e) {
            log.warn("answering 503: {}", e.getMessage());
            return new Response(503, error(e.getMessage()), Map.of("Content-Type", "application/json",
                    "Retry-After", Long.toString(Math.max(1, config.retryAfter().toSeconds()))));
        } catch (UncheckedIOException e) {
            return new Response(400, error(describe(e.getCause())), JSON);
        } catch (AnalyticsException | IllegalStateException e) {
            log.error("ingest request failed", e);
            return new Response(500, error("the request could not be handled: " + e.getMessage()), JSON);
        }
    }

    private String checkSecret(Function<String, String> header) {
        String authorization = header.apply("Authorization");
        String bearer = null;
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            bearer = authorization.substring(7).trim();
        }
        String direct = header.apply("X-Webhook-Secret");
        if (bearer == null && direct == null) {
            return "the webhook secret is missing; send it as \"Authorization: Bearer <secret>\" or \"X-Webhook-Secret\"";
        }
        // Both are compared, whatever the first gives, so timing does not reveal which header matched.
        boolean match = matches(bearer) | matches(direct);
        return match ? null : "the webhook secret is wrong";
    }

    private boolean matches(String candidate) {
        if (candidate == null) {
            return false;
        }
        // Digests have a fixed length, so the comparison's time depends on neither the secret's length nor content.
        return MessageDigest.isEqual(secretDigest, sha256(candidate.getBytes(StandardCharsets.UTF_8)));
    }

    private InputStream open(Function<String, String> header, InputStream body) {
        long max = config.maxBodyBytes();
        BufferedInputStream buffered = new BufferedInputStream(
                new Limited(body, max, "the request body is larger than " + max + " bytes"));
        try {
            String encoding = header.apply("Content-Encoding");
            boolean gzip = encoding != null && encoding.toLowerCase(Locale.ROOT).contains("gzip");
            if (!gzip) {
                buffered.mark(2);
                int first = buffered.read();
                int second = buffered.read();
                buffered.reset();
                gzip = first == 0x1f && second == 0x8b;
            }
            if (!gzip) {
                return buffered;
            }
            return new Limited(new GZIPInputStream(buffered, 8192), max,
                    "the request body is larger than " + max + " bytes after gzip decompression");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String describe(Throwable cause) {
        if (cause instanceof ZipException || cause instanceof EOFException) {
            return "the body is not valid gzip: " + cause.getMessage();
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

    /** Fails with {@link PayloadTooLargeException} as soon as more than {@code max} bytes have been read. */
    private static final class Limited extends FilterInputStream {
        private final long max;
        private final String message;
        private long count;
        private long mark;

        Limited(InputStream in, long max, String message) {
            super(in);
            this.max = max;
            this.message = message;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count(skipped);
            return skipped;
        }

        @Override
        public synchronized void mark(int limit) {
            super.mark(limit);
            mark = count;
        }

        @Override
        public synchronized void reset() throws IOException {
            super.reset();
            count = mark;
        }

        private void count(long n) {
            count += n;
            if (count > max) {
                throw new PayloadTooLargeException(message);
            }
        }
    }
}
