package io.github.iskahomes.analytics.redis;

import io.github.iskahomes.analytics.core.BusinessCalendar;
import io.github.iskahomes.analytics.core.internal.ValidationRules;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Objects;

/**
 * How an {@link Ingestor}, its {@link AnalyticsReader} and its {@link IngestHandler} behave. Immutable; start from
 * {@link #defaults()} and change values with the {@code with…} copies:
 * {@code IngestorConfig.defaults().withKeyPrefix("shop1:").withZone(ZoneId.of("Africa/Lagos"))}.
 *
 * @param keyPrefix           prepended to every Redis key, to share one Redis between apps (default {@code ""})
 * @param calendar            the business zone that decides an event's day and when its keys expire (default UTC)
 * @param retention           how long a day's keys live after the day ends; older events are rejected (default 7 days)
 * @param maxFutureSkew       how far in the future an event's timestamp may be (default 1 hour)
 * @param maxPropertiesBytes  the largest properties object of one event, in JSON bytes (default 32 KiB)
 * @param leadActionCap       how many of a lead's newest actions the Redis list keeps (default 100); the per-day action
 *                            counter still counts every action
 * @param maxEventsPerRequest the most events one request or {@code ingest} call may carry (default 1000)
 * @param maxBodyBytes        the largest request body, checked before and after gzip decompression (default 5 MiB)
 * @param webhookSecret       the secret {@link IngestHandler} requires, or {@code null} for none (default none)
 * @param commandTimeout      how long a call waits for Redis before failing with a
 *                            {@link io.github.iskahomes.analytics.core.StoreUnavailableException} (default 2 s)
 * @param indexShards         how many keys each day's index of active ids is split into, so that no single key is a
 *                            Redis Cluster hot spot (default 16); the reader must use the same number
 * @param retryAfter          what {@link IngestHandler} puts in {@code Retry-After} when Redis is unavailable (default 5 s)
 */
public record IngestorConfig(String keyPrefix, BusinessCalendar calendar, Duration retention, Duration maxFutureSkew,
                             int maxPropertiesBytes, int leadActionCap, int maxEventsPerRequest, long maxBodyBytes,
                             String webhookSecret, Duration commandTimeout, int indexShards, Duration retryAfter) {

    public static final int DEFAULT_LEAD_ACTION_CAP = 100;
    public static final int DEFAULT_MAX_EVENTS_PER_REQUEST = 1000;
    public static final long DEFAULT_MAX_BODY_BYTES = 5L * 1024 * 1024;
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);
    public static final int DEFAULT_INDEX_SHARDS = 16;
    public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(5);

    public IngestorConfig {
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        Objects.requireNonNull(calendar, "calendar");
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        Objects.requireNonNull(retryAfter, "retryAfter");
        // Builds the core rules once, so an invalid retention, skew or properties size fails here, at configuration.
        new ValidationRules(calendar, retention, maxFutureSkew, maxPropertiesBytes);
        if (keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
            throw new IllegalArgumentException("keyPrefix must not contain '{' or '}' (they are Redis Cluster hash tags): "
                    + keyPrefix);
        }
        positive("leadActionCap", leadActionCap);
        positive("maxEventsPerRequest", maxEventsPerRequest);
        positive("maxBodyBytes", maxBodyBytes);
        positive("indexShards", indexShards);
        if (indexShards > 1024) {
            throw new IllegalArgumentException("indexShards must be at most 1024, was " + indexShards);
        }
        if (commandTimeout.isNegative() || commandTimeout.isZero()) {
            throw new IllegalArgumentException("commandTimeout must be positive, was " + commandTimeout);
        }
        if (webhookSecret != null && webhookSecret.isEmpty()) {
            webhookSecret = null;
        }
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }

    /** No prefix, UTC, 7 days of retention, 1 h of skew, 32 KiB of properties, 100 lead actions, 1000 events and
     * 5 MiB per request, no secret, 2 s command timeout, 16 index shards, {@code Retry-After: 5}. */
    public static IngestorConfig defaults() {
        ValidationRules rules = ValidationRules.defaults();
        return new IngestorConfig("", rules.calendar(), rules.retention(), rules.maxFutureSkew(),
                rules.maxPropertiesBytes(), DEFAULT_LEAD_ACTION_CAP, DEFAULT_MAX_EVENTS_PER_REQUEST,
                DEFAULT_MAX_BODY_BYTES, null, DEFAULT_COMMAND_TIMEOUT, DEFAULT_INDEX_SHARDS, DEFAULT_RETRY_AFTER);
    }

    /** The core validation rules these settings imply. */
    public ValidationRules validationRules() {
        return new ValidationRules(calendar, retention, maxFutureSkew, maxPropertiesBytes);
    }

    /** A copy with another {@code keyPrefix}. */
    public IngestorConfig withKeyPrefix(String value) {
        return new IngestorConfig(value, calendar, retention, maxFutureSkew, maxPropertiesBytes, leadActionCap,
                maxEventsPerRequest, maxBodyBytes, webhookSecret, commandTimeout, indexShards, retryAfter);
    }

    /** A copy with another {@code calendar}. */
    public IngestorConfig withCalendar(BusinessCalendar value) {
        return new IngestorConfig(keyPrefix, value, retention, maxFutureSkew, maxPropertiesBytes, leadActionCap,
                maxEventsPerRequest, maxBodyBytes, webhookSecret, commandTimeout, indexShards, retryAfter);
    }

    /** The business zone, as {@link #withCalendar(BusinessCalendar)}. */
    public IngestorConfig withZone(ZoneId zone) {
        return withCalendar(new BusinessCalendar(zone));
    }

    /** A copy with another {@code retention}. */
    public IngestorConfig withRetention(Duration value) {
        return new IngestorConfig(keyPrefix, calendar, value, maxFutureSkew, maxPropertiesBytes, leadActionCap,
                maxEventsPerRequest, maxBodyBytes, webhookSecret, commandTimeout, indexShards, retryAfter);
    }

    /** A copy with another {@code maxFutureSkew}. */
    public IngestorConfig withMaxFutureSkew(Duration value) {
        return new IngestorConfig(keyPrefix, calendar, retention, value, maxPropertiesBytes, leadActionCap,
                maxEventsPerRequest, maxBodyBytes, webhookSecret, commandTimeout, indexShards, retryAfter);
    }

    /** A copy with another {@code maxPropertiesBytes}. */
    public IngestorConfig withMaxPropertiesBytes(int value) {
        return new IngestorConfig(keyPrefix, calendar, retention, maxFutureSkew, value, leadActionCap,
                maxEventsPerRequest, maxBodyBytes, webhookSecret, commandTimeout, indexShards, retryAfter);
    }

    /** A copy with another {@code leadActionCap}. */
    public IngestorConfig withLeadActionCap(int value) {
        return new IngestorConfig(keyPrefix, calendar, retention, maxFutureSkew, maxPropertiesBytes, value,
                maxEventsPerRequest, maxBodyBytes, webhookSecret, commandTimeout, indexShards, retryAfter);
    }

    /** A copy with another {@code maxEventsPerRequest}. */
    public IngestorConfig withMaxEventsPerRequest(int value) {
        return new IngestorConfig(keyPrefix, calendar, retention, maxFutureSkew, maxPropertiesBytes, leadActionCap,
                value, maxBodyBytes, webhookSecret, commandTimeout, indexShards, retryAfter);
    }

    /** A copy with another {@code maxBodyBytes}. */
    public IngestorConfig withMaxBodyBytes(long value) {
        return new IngestorConfig(keyPrefix, calendar, retention, maxFutureSkew, maxPropertiesBytes, leadActionCap,
                maxEventsPerRequest, value, webhookSecret, commandTimeout, indexShards, retryAfter);
    }

    /** The webhook secret; {@code null} or empty turns the check off. */
    public IngestorConfig withWebhookSecret(String value) {
        return new IngestorConfig(keyPrefix, calendar, retention, maxFutureSkew, maxPropertiesBytes, leadActionCap,
                maxEventsPerRequest, maxBodyBytes, value, commandTimeout, indexShards, retryAfter);
    }

    /** A copy with another {@code commandTimeout}. */
    public IngestorConfig withCommandTimeout(Duration value) {
        return new IngestorConfig(keyPrefix, calendar, retention, maxFutureSkew, maxPropertiesBytes, leadActionCap,
                maxEventsPerRequest, maxBodyBytes, webhookSecret, value, indexShards, retryAfter);
    }

    /** A copy with another {@code indexShards}. */
    public IngestorConfig withIndexShards(int value) {
        return new IngestorConfig(keyPrefix, calendar, retention, maxFutureSkew, maxPropertiesBytes, leadActionCap,
                maxEventsPerRequest, maxBodyBytes, webhookSecret, commandTimeout, value, retryAfter);
    }

    /** A copy with another {@code retryAfter}. */
    public IngestorConfig withRetryAfter(Duration value) {
        return new IngestorConfig(keyPrefix, calendar, retention, maxFutureSkew, maxPropertiesBytes, leadActionCap,
                maxEventsPerRequest, maxBodyBytes, webhookSecret, commandTimeout, indexShards, value);
    }

    /** Hides the secret. */
    @Override
    public String toString() {
        return "IngestorConfig[keyPrefix=" + keyPrefix + ", zone=" + calendar.zone() + ", retention=" + retention
                + ", maxFutureSkew=" + maxFutureSkew + ", maxPropertiesBytes=" + maxPropertiesBytes
                + ", leadActionCap=" + leadActionCap + ", maxEventsPerRequest=" + maxEventsPerRequest
                + ", maxBodyBytes=" + maxBodyBytes + ", webhookSecret=" + (webhookSecret == null ? "none" : "***")
                + ", commandTimeout=" + commandTimeout + ", indexShards=" + indexShards + ", retryAfter=" + retryAfter
                + "]";
    }

    byte[] secretBytes() {
        return webhookSecret == null ? null : webhookSecret.getBytes(StandardCharsets.UTF_8);
    }
}
