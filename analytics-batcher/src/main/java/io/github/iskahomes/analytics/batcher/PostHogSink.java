package io.github.iskahomes.analytics.batcher;

import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.internal.EventJson;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Sends batches to PostHog's batch capture API ({@code POST <host>/batch/}) as {@code {"api_key":…,"batch":[…]}},
 * to keep a copy of every event in PostHog. Each event keeps the uuid the batcher gave it, so PostHog deduplicates retries too and the
 * two stores can be reconciled by id. Retries, refusals, byte bounds and 413 splits as for {@link HttpIngestSink};
 * PostHog's own limit is 20 MiB a request.
 *
 * <pre>{@code
 * Sink posthog = PostHogSink.builder("phc_project_api_key")
 *         .host(URI.create("https://eu.i.posthog.com"))
 *         .build();
 * }</pre>
 *
 * <p>Used by one sender thread at a time; {@link #close()} stops its HTTP threads.
 */
public final class PostHogSink implements Sink {
    /** PostHog Cloud's US ingestion host, the default. */
    public static final URI DEFAULT_HOST = URI.create("https://us.i.posthog.com");
    /** 1 MiB, as {@link HttpIngestSink#DEFAULT_MAX_REQUEST_BYTES}: far below PostHog's 20 MiB per request. */
    public static final int DEFAULT_MAX_REQUEST_BYTES = HttpIngestSink.DEFAULT_MAX_REQUEST_BYTES;

    private final String name;
    private final HttpPoster poster;

    private PostHogSink(Builder builder) {
        this.name = builder.name;
        String host = builder.host.toString();
        URI endpoint = URI.create((host.endsWith("/") ? host : host + "/") + "batch/");
        this.poster = new HttpPoster(name, endpoint, Map.of(), builder.gzip, builder.connectTimeout,
                builder.requestTimeout, EventJson.encodePostHogBatch(builder.apiKey, List.of()),
                builder.maxRequestBytes, 1);   // one at a time: PostHog's SDKs send so too, and it rate-limits per key
    }

    /**
     * A builder for a sink sending with this project API key (PostHog's {@code phc_…} key).
     *
     * @throws IllegalArgumentException if the key is blank
     */
    public static Builder builder(String projectApiKey) {
        return new Builder(projectApiKey);
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * POSTs the batch as one request; see {@link HttpIngestSink#send(List)}, which behaves the same.
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

    /** Builds a {@link PostHogSink}. Not thread-safe. */
    public static final class Builder {
        private final String apiKey;
        private String name = "posthog";
        private URI host = DEFAULT_HOST;
        private boolean gzip = true;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private int maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;

        private Builder(String apiKey) {
            Objects.requireNonNull(apiKey, "projectApiKey");
            if (apiKey.isBlank()) {
                throw new IllegalArgumentException("the PostHog project API key is blank");
            }
            this.apiKey = apiKey;
        }

        /** The sink's name in counters and logs (default {@code posthog}). */
        public Builder name(String newName) {
            this.name = Objects.requireNonNull(newName, "name");
            return this;
        }

        /** PostHog's host, for example {@code https://eu.i.posthog.com} or a self-hosted one (default US cloud). */
        public Builder host(URI newHost) {
            this.host = HttpIngestSink.checkHttp(newHost);
            return this;
        }

        /** Whether bodies are gzipped (default {@code true}; PostHog accepts gzip). */
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
         * The most JSON one request carries, counted before gzip (default 1 MiB); see
         * {@link HttpIngestSink.Builder#maxRequestBytes(int)}.
         *
         * @throws IllegalArgumentException if {@code bytes} is below 1 KiB
         */
        public Builder maxRequestBytes(int bytes) {
            this.maxRequestBytes = HttpIngestSink.checkMaxRequestBytes(bytes);
            return this;
        }

        /** The sink. */
        public PostHogSink build() {
            return new PostHogSink(this);
        }
    }
}
