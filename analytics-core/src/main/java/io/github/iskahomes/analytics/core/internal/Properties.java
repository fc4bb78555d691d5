package io.github.iskahomes.analytics.core.internal;

import java.util.Map;

/**
 * Names of the event properties the library reads, and the camelCase aliases clients may send instead
 * ({@code viewedFrom} for {@code viewed_from}). The JSON codec rewrites aliases to these names.
 */
public final class Properties {
    public static final String LISTING_ID = "listing_id";
    public static final String LISTER_ID = "lister_id";
    public static final String LISTER_TYPE = "lister_type";
    public static final String SEEKER_ID = "seeker_id";
    public static final String VIEWED_FROM = "viewed_from";
    public static final String IS_LOGGED_IN = "is_logged_in";
    public static final String DEVELOPMENT_ID = "development_id";
    public static final String DEVELOPER_ID = "developer_id";
    public static final String PROFILE_ID = "profile_id";
    public static final String USER_TYPE = "user_type";
    public static final String PLATFORM = "platform";
    public static final String CONTEXT = "context";
    public static final String MESSAGE = "message";
    public static final String APPOINTMENT_AT = "appointment_at";
    public static final String INTERACTION_TYPE = "interaction_type";
    public static final String POSITION = "position";
    public static final String DISTINCT_ID = "distinct_id";

    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("listingId", LISTING_ID),
            Map.entry("listerId", LISTER_ID),
            Map.entry("listerType", LISTER_TYPE),
            Map.entry("seekerId", SEEKER_ID),
            Map.entry("viewedFrom", VIEWED_FROM),
            Map.entry("isLoggedIn", IS_LOGGED_IN),
            Map.entry("developmentId", DEVELOPMENT_ID),
            Map.entry("developerId", DEVELOPER_ID),
            Map.entry("profileId", PROFILE_ID),
            Map.entry("userType", USER_TYPE),
            Map.entry("interactionType", INTERACTION_TYPE),
            Map.entry("appointmentAt", APPOINTMENT_AT),
            Map.entry("distinctId", DISTINCT_ID));

    private Properties() {
    }

    /** The snake_case name for a property key: the key itself unless it is a known camelCase alias. */
    public static String canonical(String key) {
        return ALIASES.getOrDefault(key, key);
    }
}
