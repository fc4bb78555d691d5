package io.github.iskahomes.analytics.batcher;

import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.internal.EventJson;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Sends batches to the host's ingest endpoint ({@code POST /api/ingest/posthog}) as the body
 * {@code {"events":[…]}}, with {@code java.net.http}: optionally gzipped, optionally with the webhook secret header.
 * Connection errors, timeouts, 408, 429 (honouring {@code Retry-After}) and 5xx are retried by the batcher; any other
 * answer is a refusal whose status and body become the failure's reason.
 *
 * <p>Each event is encoded once, in the sender thread, and a batch goes out in as many requests as it takes to keep
 * each under {@link Builder#maxRequestBytes(int)} of JSON (before gzip; the ingestor's own limit is 5 MiB, counted
 * after decompression). An event that cannot be written as JSON, or that is larger than a request may be, fails on
 * its own with the reason, and the rest go out at once. A 413 answer splits the request in halves, down to a single
 * event, which then fails with the server's reason. Events the server rejects in its 200 answer ({@code rejected[]})
 * are counted as rejected, each with the server's reason.
 *
 * <p>Up to {@link Builder#maxInFlight(int)} requests (default {@value #DEFAULT_MAX_IN_FLIGHT}) wait for their answers
 * at once, each on its own request thread and connection. Requests start in the order of the events, and each keeps
 * its events in order, but a later request may be answered, or retried, before an earlier one: the ingestor does not
 * depend on arrival order (counters add up in any order, each uuid counts once, lead actions are ordered by their
 * timestamps). {@code maxInFlight(1)} sends strictly one request after the other.
 *
 * <pre>{@code
 * Sink ingest = HttpIngestSink.builder(URI.create("https://app.example.com/api/ingest/posthog"))
 *         .secret(System.getenv("POSTHOG_WEBHOOK_SECRET"))
 *         .build();
 * }</pre>
 *
 * <p>Thread-safe; {@link #close()} stops its HTTP threads.
 */
public final class HttpIngestSink implements Sink {
    /** The header that carries the secret unless {@link Builder#secretHeader(String)} says otherwise. */
    public static final String DEFAULT_SECRET_HEADER = "X-Webhook-Secret";
    /**
     * 1 MiB: the most JSON one request carries unless {@link Builder#maxRequestBytes(int)} says otherwise. A fifth of
     * the ingestor's 5 MiB, so 32 events at its 32 KiB properties limit still share a request, and no more than the
     * 1 MiB a default nginx in front of the endpoint accepts, even with gzip off.
     */
    public static final int DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;
    /**
     * 4: how many requests wait for an answer at once unless {@link Builder#maxInFlight(int)} says otherwise. One
     * request at a time leaves the sender idle for each round trip and the server's threads idle while the sender
     * encodes the next batch; four keep both busy on a small server (see the module's docs for the measurements)
     * while holding at most four requests in memory.
     */
    public static final int DEFAULT_MAX_IN_FLIGHT = 4;
    /** The most {@link Builder#maxInFlight(int)} accepts. */
    public static final int MAX_IN_FLIGHT_LIMIT = 64;

    private final String name;
    private final HttpPoster poster;

    private HttpIngestSink(Builder builder) {
        this.name = builder.name;
        Map<String, String> headers = new LinkedHashMap<>();
        if (builder.secret != null) {
            headers.put(builder.secretHeader, builder.secret);
        }
        this.poster = new HttpPoster(name, builder.endpoint, headers, builder.gzip, builder.connectTimeout,
                builder.requestTimeout, EventJson.encodeIngestBody(List.of()), builder.maxRequestBytes,
                builder.maxInFlight);
    }

    /**
     * A builder for a sink posting to {@code endpoint}, for example {@code https://app.example.com/api/ingest/posthog}.
     *
     * @throws IllegalArgumentException if the URI is not absolute http or https
     */
    public static Builder builder(URI endpoint) {
        return new Builder(endpoint);
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * POSTs the batch as one request. The batcher does not call this: it encodes each event once, leaves out (and
     * fails) those that cannot be sent, and packs the rest into requests under {@code maxRequestBytes}. A direct
     * caller gets {@link SendResult#rejected} for a batch with an event that has no JSON form, and
     * {@link SendResult#tooLarge} for a batch above {@code maxRequestBytes}.
     *
     * @throws IOException          on a connection error or timeout (retryable)
     * @throws InterruptedException if the batcher's close gave up while the request was in flight
     */
    @Override
    public SendResult send(List<Event> events) throws IOException, InterruptedException {
        return poster.send(events);
    }

    HttpPoster poster() {
        return poster;
    }

    @Override
    public void close() {
        poster.close();
    }

    /** Builds an {@link HttpIngestSink}. Not thread-safe. */
    public static final class Builder {
        private final URI endpoint;
        private String name = "ingest";
        private String secret;
        private String secretHeader = DEFAULT_SECRET_HEADER;
        private boolean gzip = true;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private int maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
        private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;

        private Builder(URI endpoint) {
            this.endpoint = HttpIngestSink.checkHttp(endpoint);
        }

        /** The sink's name in counters and logs (default {@code ingest}). */
        public Builder name(String newName) {
            this.name = Objects.requireNonNull(newName, "name");
            return this;
        }

        /** The webhook secret sent with every request, or {@code null} for none (default none). */
        public Builder secret(String newSecret) {
            this.secret = newSecret == null || newSecret.isEmpty() ? null : newSecret;
            return this;
        }

        /** The header carrying the secret (default {@value HttpIngestSink#DEFAULT_SECRET_HEADER}). */
        public Builder secretHeader(String header) {
            this.secretHeader = Objects.requireNonNull(header, "header");
            return this;
        }

        /** Whether bodies are gzipped, with {@code Content-Encoding: gzip} (default {@code true}). */
        public Builder gzip(boolean enabled) {
            this.gzip = enabled;
            return this;
        }

        /** How long to wait for a connection (default 5 s). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** How long to wait for an answer once connected (default 10 s). */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * The most JSON one request carries, counted before gzip (default 1 MiB,
         * {@link HttpIngestSink#DEFAULT_MAX_REQUEST_BYTES}). Keep it below the server's limit
         * ({@code IngestHandlerConfig.maxBodyBytes}, 5 MiB by default, and any proxy's in front of it); a server that
         * answers 413 anyway gets the request again in halves.
         *
         * @throws IllegalArgumentException if {@code bytes} is below 1 KiB
         */
        public Builder maxRequestBytes(int bytes) {
            this.maxRequestBytes = checkMaxRequestBytes(bytes);
            return this;
        }

        /**
         * How many requests may wait for their answers at once (default {@value HttpIngestSink#DEFAULT_MAX_IN_FLIGHT}).
         * Each has its own thread and connection while in flight, and holds its batch in memory until answered
         * (retries included), so the batcher's memory is bounded by {@code maxQueueSize} plus this many requests.
         * {@code 1} sends one request after the other, in strict order.
         *
         * @throws IllegalArgumentException if {@code requests} is below 1 or above
         *                                  {@value HttpIngestSink#MAX_IN_FLIGHT_LIMIT}
         */
        public Builder maxInFlight(int requests) {
            if (requests < 1 || requests > MAX_IN_FLIGHT_LIMIT) {
                throw new IllegalArgumentException("maxInFlight must be 1 to " + MAX_IN_FLIGHT_LIMIT + ", was "
                        + requests);
            }
            this.maxInFlight = requests;
            return this;
        }

        /** The sink. */
        public HttpIngestSink build() {
            return new HttpIngestSink(this);
        }
    }

    static int checkMaxRequestBytes(int bytes) {
        if (bytes < 1024) {
            throw new IllegalArgumentException("maxRequestBytes must be at least 1024, was " + bytes);
        }
        return bytes;
    }

    static URI checkHttp(URI endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        String scheme = endpoint.getScheme();
        if (!endpoint.isAbsolute() || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
            throw new IllegalArgumentException("the endpoint must be an absolute http or https URI, was " + endpoint);
        }
        return endpoint;
    }
}
