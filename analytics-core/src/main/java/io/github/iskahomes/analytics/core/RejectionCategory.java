package io.github.iskahomes.analytics.core;

import java.util.Locale;

/**
 * What kind of problem made the ingestor refuse an event: a small, fixed set, so that a metrics system can count
 * rejections by it (a tag value) where the reason sentence itself ({@code "listing_id is missing"}) names ids and
 * values and would make every rejection a series of its own.
 */
public enum RejectionCategory {
    /** The element is not an event the decoder can read: not an object, properties not an object, a timestamp that
     * is not ISO-8601, an event name that is not a string, a null event. */
    INVALID_PAYLOAD,
    /** The event name is not in the catalogue. */
    UNKNOWN_EVENT_TYPE,
    /** The event name, a property its type requires, the seeker ({@code distinct_id} or {@code seeker_id}) or the
     * {@code lister_type} that goes with a {@code lister_id} is missing. */
    MISSING_PROPERTY,
    /** A property or the uuid has a value of the wrong type or form: an id with a brace, whitespace or more than 128
     * characters, a number or list where text is expected, a {@code lister_type} outside the catalogue. */
    INVALID_PROPERTY,
    /** The properties are larger than the configured maximum. */
    TOO_LARGE,
    /** A text property holds what PostgreSQL cannot store (U+0000, an unpaired UTF-16 surrogate). */
    UNSTORABLE_TEXT,
    /** The timestamp is older than the retention window or further in the future than the allowed skew. */
    TIMESTAMP_OUT_OF_RANGE,
    /** A reason without one of the categories above. */
    OTHER;

    /** The category as a metrics tag value: lower case, {@code "missing_property"}. */
    public String tagValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
