package io.github.iskahomes.analytics.redis;

import static io.github.iskahomes.analytics.core.internal.Settings.positive;

import io.github.iskahomes.analytics.core.BusinessCalendar;
import io.github.iskahomes.analytics.core.internal.ValidationRules;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Objects;

/**
 * How an {@link Ingestor} and its {@link AnalyticsReader} behave. Immutable; start from {@link #defaults()} or
 * {@link #builder()}, and change a copy with {@link #toBuilder()}:
 * {@code IngestorConfig.builder().keyPrefix("shop1:").zone(ZoneId.of("Africa/Lagos")).build()}. The HTTP settings
 * (webhook secret, body size, {@code Retry-After}, CORS) are in {@link IngestHandlerConfig}.
 *
 * @param keyPrefix           prepended to every Redis key, to share one Redis between apps (default {@code ""})
 * @param calendar            the business zone that decides an event's day and when its keys expire (default UTC)
 * @param retention           how long a day's keys live after the day ends; older events are rejected (default 7 days)
 * @param maxFutureSkew       how far in the future an event's timestamp may be (default 1 hour)
 * @param maxPropertiesBytes  the largest properties object of one event, in JSON bytes (default 32 KiB)
 * @param leadActionCap       how many of a lead's newest actions the Redis list keeps (default 100); the per-day action
 *                            counter still counts every action
 * @param maxEventsPerRequest the most events one {@code ingest} call, and so one HTTP request, may carry (default
 *                            1000); it bounds the work of one batch in Redis, so the ingestor checks it on every call
 * @param commandTimeout      how long a call waits for Redis before failing with a
 *                            {@link io.github.iskahomes.analytics.core.StoreUnavailableException} (default 2 s)
 * @param indexShards         how many keys each day's index of active ids is split into, so that no single key is a
 *                            Redis Cluster hot spot (default 16); the reader must use the same number
 * @param listener            told about every ingest call, for metrics (default {@link IngestorListener#NONE}); see
 *                            {@link IngestorListener} for when and on which thread
 */
public record IngestorConfig(String keyPrefix, BusinessCalendar calendar, Duration retention, Duration maxFutureSkew,
                             int maxPropertiesBytes, int leadActionCap, int maxEventsPerRequest,
                             Duration commandTimeout, int indexShards, IngestorListener listener) {

    public static final int DEFAULT_LEAD_ACTION_CAP = 100;
    public static final int DEFAULT_MAX_EVENTS_PER_REQUEST = 1000;
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);
    public static final int DEFAULT_INDEX_SHARDS = 16;

    /**
     * @throws NullPointerException     if {@code keyPrefix}, {@code calendar}, {@code retention},
     *                                  {@code maxFutureSkew}, {@code commandTimeout} or {@code listener} is null
     * @throws IllegalArgumentException if a value is out of range (the message names it)
     */
    public IngestorConfig {
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        Objects.requireNonNull(calendar, "calendar");
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        Objects.requireNonNull(listener, "listener");
        // Builds the core rules once, so an invalid retention, skew or properties size fails here, at configuration.
        new ValidationRules(calendar, retention, maxFutureSkew, maxPropertiesBytes);
        if (keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
            throw new IllegalArgumentException("keyPrefix must not contain '{' or '}' (they are Redis Cluster hash tags): "
                    + keyPrefix);
        }
        positive("leadActionCap", leadActionCap);
        positive("maxEventsPerRequest", maxEventsPerRequest);
        positive("indexShards", indexShards);
        if (indexShards > 1024) {
            throw new IllegalArgumentException("indexShards must be at most 1024, was " + indexShards);
        }
        positive("commandTimeout", commandTimeout);
    }

    /** No prefix, UTC, 7 days of retention, 1 h of skew, 32 KiB of properties, 100 lead actions, 1000 events per
     * call, 2 s command timeout, 16 index shards, no listener. */
    public static IngestorConfig defaults() {
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

    /** The core validation rules these settings imply. */
    ValidationRules validationRules() {
        return new ValidationRules(calendar, retention, maxFutureSkew, maxPropertiesBytes);
    }

    /**
     * Collects the settings of an {@link IngestorConfig}; each setter replaces one value (see the record's
     * components for what they mean and their defaults). Not thread-safe; {@link #build()} checks the values.
     */
    public static final class Builder {
        private String keyPrefix;
        private BusinessCalendar calendar;
        private Duration retention;
        private Duration maxFutureSkew;
        private int maxPropertiesBytes;
        private int leadActionCap;
        private int maxEventsPerRequest;
        private Duration commandTimeout;
        private int indexShards;
        private IngestorListener listener;

        private Builder() {
            ValidationRules rules = ValidationRules.defaults();
            keyPrefix = "";
            calendar = rules.calendar();
            retention = rules.retention();
            maxFutureSkew = rules.maxFutureSkew();
            maxPropertiesBytes = rules.maxPropertiesBytes();
            leadActionCap = DEFAULT_LEAD_ACTION_CAP;
            maxEventsPerRequest = DEFAULT_MAX_EVENTS_PER_REQUEST;
            commandTimeout = DEFAULT_COMMAND_TIMEOUT;
            indexShards = DEFAULT_INDEX_SHARDS;
            listener = IngestorListener.NONE;
        }

        private Builder(IngestorConfig config) {
            keyPrefix = config.keyPrefix;
            calendar = config.calendar;
            retention = config.retention;
            maxFutureSkew = config.maxFutureSkew;
            maxPropertiesBytes = config.maxPropertiesBytes;
            leadActionCap = config.leadActionCap;
            maxEventsPerRequest = config.maxEventsPerRequest;
            commandTimeout = config.commandTimeout;
            indexShards = config.indexShards;
            listener = config.listener;
        }

        /** Prepended to every Redis key (default {@code ""}). */
        public Builder keyPrefix(String value) {
            this.keyPrefix = value;
            return this;
        }

        /** The business calendar (default UTC). */
        public Builder calendar(BusinessCalendar value) {
            this.calendar = value;
            return this;
        }

        /** The business zone, as {@link #calendar(BusinessCalendar)} of that zone. */
        public Builder zone(ZoneId zone) {
            return calendar(new BusinessCalendar(zone));
        }

        /** How long a day's keys live after the day ends (default 7 days). */
        public Builder retention(Duration value) {
            this.retention = value;
            return this;
        }

        /** How far in the future an event's timestamp may be (default 1 hour). */
        public Builder maxFutureSkew(Duration value) {
            this.maxFutureSkew = value;
            return this;
        }

        /** The largest properties object of one event, in JSON bytes (default 32 KiB). */
        public Builder maxPropertiesBytes(int value) {
            this.maxPropertiesBytes = value;
            return this;
        }

        /** How many of a lead's newest actions Redis keeps (default 100). */
        public Builder leadActionCap(int value) {
            this.leadActionCap = value;
            return this;
        }

        /** The most events one {@code ingest} call or HTTP request may carry (default 1000). */
        public Builder maxEventsPerRequest(int value) {
            this.maxEventsPerRequest = value;
            return this;
        }

        /** How long a call waits for Redis (default 2 s). */
        public Builder commandTimeout(Duration value) {
            this.commandTimeout = value;
            return this;
        }

        /** How many keys each day's index of active ids is split into (default 16). */
        public Builder indexShards(int value) {
            this.indexShards = value;
            return this;
        }

        /**
         * The listener told about every ingest call (default {@link IngestorListener#NONE}); one only, so combine
         * several with {@link IngestorListener#composite}.
         */
        public Builder listener(IngestorListener value) {
            this.listener = value;
            return this;
        }

        /**
         * The configuration.
         *
         * @throws NullPointerException     if a value was set to null
         * @throws IllegalArgumentException if a value is out of range (the message names it)
         */
        public IngestorConfig build() {
            return new IngestorConfig(keyPrefix, calendar, retention, maxFutureSkew, maxPropertiesBytes, leadActionCap,
                    maxEventsPerRequest, commandTimeout, indexShards, listener);
        }
    }
}
