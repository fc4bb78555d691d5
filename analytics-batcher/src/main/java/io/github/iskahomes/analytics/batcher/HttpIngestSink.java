package io.github.iskahomes.analytics.batcher;

import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.EventJson;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Sends batches to the host's ingest endpoint ({@code POST /api/ingest/posthog}) as the seed's body
 * {@code {"events":[…]}}, with {@code java.net.http}: optionally gzipped, optionally with the webhook secret header.
 * Connection errors, timeouts, 408, 429 (honouring {@code Retry-After}) and 5xx are retried by the batcher; any other
 * answer is a refusal whose status and body become the failure's reason.
 *
 * <pre>{@code
 * Sink ingest = HttpIngestSink.builder(URI.create("https://app.example.com/api/ingest/posthog"))
 *         .secret(System.getenv("POSTHOG_WEBHOOK_SECRET"))
 *         .build();
 * }</pre>
 *
 * <p>Used by one sender thread at a time; {@link #close()} stops its HTTP threads.
 */
public final class HttpIngestSink implements Sink {
    /** The header that carries the secret unless {@link Builder#secretHeader(String)} says otherwise. */
    public static final String DEFAULT_SECRET_HEADER = "X-Webhook-Secret";

    private final String name;
    private final HttpPoster poster;

    private HttpIngestSink(Builder builder) {
        this.name = builder.name;
        Map<String, String> headers = new LinkedHashMap<>();
        if (builder.secret != null) {
            headers.put(builder.secretHeader, builder.secret);
        }
        this.poster = new HttpPoster(name, builder.endpoint, headers, builder.gzip, builder.connectTimeout,
                builder.requestTimeout);
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
     * POSTs the batch.
     *
     * @throws IOException          on a connection error or timeout (retryable)
     * @throws InterruptedException if the batcher's close gave up while the request was in flight
     */
    @Override
    public SendResult send(List<Event> events) throws IOException, InterruptedException {
        return poster.post(events, EventJson::writeIngestBody);
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

        /** The sink. */
        public HttpIngestSink build() {
            return new HttpIngestSink(this);
        }
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
