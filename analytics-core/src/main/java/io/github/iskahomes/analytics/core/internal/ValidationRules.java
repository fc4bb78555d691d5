package io.github.iskahomes.analytics.core.internal;

import io.github.iskahomes.analytics.core.BusinessCalendar;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@link EventValidator} accepts. Immutable; change one value with the {@code with…} copies.
 *
 * @param calendar           the business zone that decides an event's day (default UTC)
 * @param retention          how long a day stays in Redis after it ends; older events are rejected (default 7 days)
 * @param maxFutureSkew      how far in the future a timestamp may be (default 1 hour)
 * @param maxPropertiesBytes the largest properties object, in bytes of JSON (default 32 KiB)
 */
public record ValidationRules(BusinessCalendar calendar, Duration retention, Duration maxFutureSkew, int maxPropertiesBytes) {

    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);
    public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofHours(1);
    public static final int DEFAULT_MAX_PROPERTIES_BYTES = 32 * 1024;

    /**
     * @throws NullPointerException     if a component is null
     * @throws IllegalArgumentException if the retention is not positive, the skew negative or the size not positive
     */
    public ValidationRules {
        Objects.requireNonNull(calendar, "calendar");
        Settings.positive("retention", retention);
        Objects.requireNonNull(maxFutureSkew, "maxFutureSkew");
        if (maxFutureSkew.isNegative()) {
            throw new IllegalArgumentException("maxFutureSkew must not be negative, was " + maxFutureSkew);
        }
        Settings.positive("maxPropertiesBytes", maxPropertiesBytes);
    }

    /** UTC, 7 days of retention, 1 hour of future skew, 32 KiB of properties. */
    public static ValidationRules defaults() {
        return new ValidationRules(BusinessCalendar.UTC, DEFAULT_RETENTION, DEFAULT_MAX_FUTURE_SKEW, DEFAULT_MAX_PROPERTIES_BYTES);
    }

    /** These rules with another business calendar. */
    public ValidationRules withCalendar(BusinessCalendar newCalendar) {
        return new ValidationRules(newCalendar, retention, maxFutureSkew, maxPropertiesBytes);
    }

    /**
     * These rules with another retention.
     *
     * @throws IllegalArgumentException if not positive
     */
    public ValidationRules withRetention(Duration newRetention) {
        return new ValidationRules(calendar, newRetention, maxFutureSkew, maxPropertiesBytes);
    }

    /**
     * These rules with another future skew.
     *
     * @throws IllegalArgumentException if negative
     */
    public ValidationRules withMaxFutureSkew(Duration newSkew) {
        return new ValidationRules(calendar, retention, newSkew, maxPropertiesBytes);
    }

    /**
     * These rules with another properties limit.
     *
     * @throws IllegalArgumentException if not positive
     */
    public ValidationRules withMaxPropertiesBytes(int newMax) {
        return new ValidationRules(calendar, retention, maxFutureSkew, newMax);
    }
}
