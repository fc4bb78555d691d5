package io.github.iskahomes.analytics.redis;

import static io.github.iskahomes.analytics.core.internal.Settings.positive;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The HTTP settings of an {@link IngestHandler}: the webhook secret, the largest body, what a 503 asks clients to
 * wait, and which browser origins may send events (CORS). The per-call event limit stays in
 * {@link IngestorConfig#maxEventsPerRequest()}, which the handler reads from its ingestor, since it bounds a batch's
 * work in Redis however the events arrive. Immutable; start from {@link #defaults()} or {@link #builder()}, and
 * change a copy with {@link #toBuilder()}:
 * {@code IngestHandlerConfig.builder().webhookSecret(secret).allowedOrigins("https://www.example.com").build()}.
 *
 * @param webhookSecret  the secret a request must carry, or {@code null} for none (default none; empty means none)
 * @param maxBodyBytes   the largest request body, checked before and after gzip decompression (default 5 MiB)
 * @param retryAfter     what a 503 (Redis unavailable) puts in {@code Retry-After}, in whole seconds, at least 1
 *                       (default 5 s)
 * @param allowedOrigins the origins ({@code https://host[:port]}) whose pages may post events; {@code "*"} allows
 *                       any origin (the default, as PostHog's capture does), an empty list turns CORS off (browsers
 *                       then only send from the endpoint's own origin)
 * @param corsMaxAge     how long a browser may cache a preflight's answer (default 2 h, the most Chrome honours)
 */
public record IngestHandlerConfig(String webhookSecret, long maxBodyBytes, Duration retryAfter,
                                  List<String> allowedOrigins, Duration corsMaxAge) {
    /** Any origin may send. */
    public static final String ANY_ORIGIN = "*";
    public static final long DEFAULT_MAX_BODY_BYTES = 5L * 1024 * 1024;
    public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(5);
    public static final Duration DEFAULT_CORS_MAX_AGE = Duration.ofHours(2);

    /**
     * @throws NullPointerException     if {@code retryAfter}, {@code allowedOrigins}, one of them or {@code corsMaxAge}
     *                                  is null
     * @throws IllegalArgumentException if a value is out of range or an origin is not one (the message says which)
     */
    public IngestHandlerConfig {
        if (webhookSecret != null && webhookSecret.isEmpty()) {
            webhookSecret = null;
        }
        positive("maxBodyBytes", maxBodyBytes);
        positive("retryAfter", retryAfter);
        Objects.requireNonNull(allowedOrigins, "allowedOrigins");
        Objects.requireNonNull(corsMaxAge, "corsMaxAge");
        if (corsMaxAge.isNegative()) {
            throw new IllegalArgumentException("corsMaxAge must not be negative, was " + corsMaxAge);
        }
        List<String> normalised = new ArrayList<>(allowedOrigins.size());
        for (String origin : allowedOrigins) {
            normalised.add(normalise(origin));
        }
        allowedOrigins = List.copyOf(normalised);
    }

    /** No secret, 5 MiB bodies, {@code Retry-After: 5}, any origin, preflights cached for 2 h. */
    public static IngestHandlerConfig defaults() {
        return builder().build();
    }

    /** A builder starting from the {@link #defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these settings, for a modified copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Hides the secret. */
    @Override
    public String toString() {
        return "IngestHandlerConfig[webhookSecret=" + (webhookSecret == null ? "none" : "***") + ", maxBodyBytes="
                + maxBodyBytes + ", retryAfter=" + retryAfter + ", allowedOrigins=" + allowedOrigins + ", corsMaxAge="
                + corsMaxAge + "]";
    }

    /**
     * Collects the settings of an {@link IngestHandlerConfig}; each setter replaces one value (see the record's
     * components for what they mean and their defaults). Not thread-safe; {@link #build()} checks the values.
     */
    public static final class Builder {
        private String webhookSecret;
        private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private Duration retryAfter = DEFAULT_RETRY_AFTER;
        private List<String> allowedOrigins = List.of(ANY_ORIGIN);
        private Duration corsMaxAge = DEFAULT_CORS_MAX_AGE;

        private Builder() {
        }

        private Builder(IngestHandlerConfig config) {
            webhookSecret = config.webhookSecret;
            maxBodyBytes = config.maxBodyBytes;
            retryAfter = config.retryAfter;
            allowedOrigins = config.allowedOrigins;
            corsMaxAge = config.corsMaxAge;
        }

        /** The secret requests must carry; {@code null} or empty turns the check off (default). */
        public Builder webhookSecret(String value) {
            this.webhookSecret = value;
            return this;
        }

        /** The largest request body, on the wire and after decompression (default 5 MiB). */
        public Builder maxBodyBytes(long value) {
            this.maxBodyBytes = value;
            return this;
        }

        /** What a 503 puts in {@code Retry-After} (default 5 s). */
        public Builder retryAfter(Duration value) {
            this.retryAfter = value;
            return this;
        }

        /** Exactly these origins may send ({@code "*"} for any, the default; none turns CORS off). */
        public Builder allowedOrigins(String... origins) {
            return allowedOrigins(List.of(origins));
        }

        /** Exactly these origins may send ({@code "*"} for any, the default; none turns CORS off). */
        public Builder allowedOrigins(List<String> origins) {
            this.allowedOrigins = Objects.requireNonNull(origins, "allowedOrigins");
            return this;
        }

        /** How long a browser may cache a preflight's answer (default 2 h). */
        public Builder corsMaxAge(Duration value) {
            this.corsMaxAge = value;
            return this;
        }

        /**
         * The configuration.
         *
         * @throws NullPointerException     if a value was set to null
         * @throws IllegalArgumentException if a value is out of range or an origin is not one
         */
        public IngestHandlerConfig build() {
            return new IngestHandlerConfig(webhookSecret, maxBodyBytes, retryAfter, allowedOrigins, corsMaxAge);
        }
    }

    /** The secret's UTF-8 bytes, or {@code null} when there is none. */
    byte[] secretBytes() {
        return webhookSecret == null ? null : webhookSecret.getBytes(StandardCharsets.UTF_8);
    }

    /** Whether a page of {@code origin} (an {@code Origin} header's value) may send events. */
    boolean allows(String origin) {
        if (allowedOrigins.contains(ANY_ORIGIN)) {
            return true;
        }
        // Browsers send the origin in lower case already; a configured "https://Example.com/" still matches.
        return allowedOrigins.contains(origin.toLowerCase(Locale.ROOT));
    }

    private static String normalise(String origin) {
        Objects.requireNonNull(origin, "an allowed origin is null");
        String trimmed = origin.trim();
        if (trimmed.equals(ANY_ORIGIN)) {
            return trimmed;
        }
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        URI uri;
        try {
            uri = URI.create(trimmed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("allowed origin \"" + origin + "\" is not an origin like https://www.example.com");
        }
        if (uri.getScheme() == null || uri.getHost() == null || uri.getRawPath() != null && !uri.getRawPath().isEmpty()
                || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("allowed origin \"" + origin
                    + "\" is not an origin like https://www.example.com (scheme, host and port only)");
        }
        return trimmed.toLowerCase(Locale.ROOT);
    }
}
