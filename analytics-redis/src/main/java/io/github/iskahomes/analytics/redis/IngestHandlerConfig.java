package io.github.iskahomes.analytics.redis;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The HTTP-only settings of an {@link IngestHandler}: which browser origins may send events (CORS). The limits and
 * the webhook secret stay in {@link IngestorConfig}, which the handler reads from its ingestor. Immutable; start from
 * {@link #defaults()}: {@code IngestHandlerConfig.defaults().withAllowedOrigins("https://www.example.com")}.
 *
 * @param allowedOrigins the origins ({@code https://host[:port]}) whose pages may post events; {@code "*"} allows
 *                       any origin (the default, as PostHog's capture does), an empty list turns CORS off (browsers
 *                       then only send from the endpoint's own origin)
 * @param corsMaxAge     how long a browser may cache a preflight's answer (default 2 h, the most Chrome honours)
 */
public record IngestHandlerConfig(List<String> allowedOrigins, Duration corsMaxAge) {
    /** Any origin may send. */
    public static final String ANY_ORIGIN = "*";
    public static final Duration DEFAULT_CORS_MAX_AGE = Duration.ofHours(2);

    public IngestHandlerConfig {
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

    /** Any origin, preflights cached for 2 h. */
    public static IngestHandlerConfig defaults() {
        return new IngestHandlerConfig(List.of(ANY_ORIGIN), DEFAULT_CORS_MAX_AGE);
    }

    /** A copy allowing exactly these origins ({@code "*"} for any; none turns CORS off). */
    public IngestHandlerConfig withAllowedOrigins(String... origins) {
        return new IngestHandlerConfig(List.of(origins), corsMaxAge);
    }

    /** A copy with another {@code corsMaxAge}. */
    public IngestHandlerConfig withCorsMaxAge(Duration value) {
        return new IngestHandlerConfig(allowedOrigins, value);
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
