package io.github.iskahomes.analytics.batcher;

import static io.github.iskahomes.analytics.core.internal.Properties.APPOINTMENT_AT;
import static io.github.iskahomes.analytics.core.internal.Properties.CONTEXT;
import static io.github.iskahomes.analytics.core.internal.Properties.DEVELOPER_ID;
import static io.github.iskahomes.analytics.core.internal.Properties.DEVELOPMENT_ID;
import static io.github.iskahomes.analytics.core.internal.Properties.INTERACTION_TYPE;
import static io.github.iskahomes.analytics.core.internal.Properties.IS_LOGGED_IN;
import static io.github.iskahomes.analytics.core.internal.Properties.LISTER_ID;
import static io.github.iskahomes.analytics.core.internal.Properties.LISTER_TYPE;
import static io.github.iskahomes.analytics.core.internal.Properties.LISTING_ID;
import static io.github.iskahomes.analytics.core.internal.Properties.MESSAGE;
import static io.github.iskahomes.analytics.core.internal.Properties.PLATFORM;
import static io.github.iskahomes.analytics.core.internal.Properties.POSITION;
import static io.github.iskahomes.analytics.core.internal.Properties.PROFILE_ID;
import static io.github.iskahomes.analytics.core.internal.Properties.USER_TYPE;
import static io.github.iskahomes.analytics.core.internal.Properties.VIEWED_FROM;

import io.github.iskahomes.analytics.core.DevelopmentInteraction;
import io.github.iskahomes.analytics.core.DevelopmentSource;
import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.EventType;
import io.github.iskahomes.analytics.core.ImpressionKind;
import io.github.iskahomes.analytics.core.LeadKind;
import io.github.iskahomes.analytics.core.ListerType;
import io.github.iskahomes.analytics.core.ListingSource;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Typed tracking calls for one user, like a front end's {@code useAnalytics} hook: each method builds a catalogued
 * event with the right property names and hands it to the {@link EventBatcher}. Arguments documented as optional may
 * be {@code null} and are then left out; {@code listerId} and {@code listerType} go together.
 *
 * <pre>{@code
 * Tracker tracker = Tracker.of(batcher, "seeker-456", true);
 * tracker.trackPropertyView("listing-123", ListingSource.HOME, "dev-1", ListerType.DEVELOPER);
 * tracker.trackLead(LeadKind.PHONE, "listing-123", "dev-1", ListerType.DEVELOPER, null, "listing_page");
 * }</pre>
 *
 * <p>Immutable and thread-safe; cheap enough to create per request. Like {@link EventBatcher#track(Event)}, no method
 * blocks or throws for a full queue or a dead backend; each returns the event as queued.
 */
public final class Tracker {
    private final EventBatcher batcher;
    private final String distinctId;
    private final boolean loggedIn;

    private Tracker(EventBatcher batcher, String distinctId, boolean loggedIn) {
        this.batcher = Objects.requireNonNull(batcher, "batcher");
        this.distinctId = Objects.requireNonNull(distinctId, "distinctId");
        this.loggedIn = loggedIn;
    }

    /**
     * Tracking calls on behalf of {@code distinctId} (the seeker for views and leads, the acting user for system
     * events).
     *
     * @param loggedIn whether that user is signed in; sets {@code is_logged_in} on views
     */
    public static Tracker of(EventBatcher batcher, String distinctId, boolean loggedIn) {
        return new Tracker(batcher, distinctId, loggedIn);
    }

    /** The user these calls track for. */
    public String distinctId() {
        return distinctId;
    }

    /**
     * {@code property_view}: the user opened a listing.
     *
     * @param viewedFrom optional
     * @param listerId   optional: who lists it
     * @param listerType optional, required with {@code listerId}
     */
    public Event trackPropertyView(String listingId, ListingSource viewedFrom, String listerId, ListerType listerType) {
        Map<String, Object> properties = listing(listingId, listerId, listerType);
        put(properties, VIEWED_FROM, viewedFrom == null ? null : viewedFrom.wireName());
        properties.put(IS_LOGGED_IN, loggedIn);
        return send(EventType.PROPERTY_VIEW, properties);
    }

    /**
     * {@code listing_impression}: a listing appeared in a feed (a soft view).
     *
     * @param viewedFrom optional: which feed
     * @param position   optional: its position in the feed, from 0
     */
    public Event trackListingImpression(String listingId, String listerId, ListerType listerType,
                                        ListingSource viewedFrom, Integer position) {
        Map<String, Object> properties = listing(listingId, listerId, listerType);
        put(properties, VIEWED_FROM, viewedFrom == null ? null : viewedFrom.wireName());
        put(properties, POSITION, position);
        return send(EventType.LISTING_IMPRESSION, properties);
    }

    /**
     * {@code impression_*}: a social link or website link was clicked, or the listing was shared or saved.
     *
     * @param platform optional: which social platform or share target
     */
    public Event trackImpression(ImpressionKind kind, String listingId, String listerId, ListerType listerType,
                                 String platform) {
        Map<String, Object> properties = listing(listingId, listerId, listerType);
        put(properties, PLATFORM, platform);
        return send(Objects.requireNonNull(kind, "kind").eventType(), properties);
    }

    /**
     * {@code lead_*}: the user contacted the lister.
     *
     * @param context optional: where the lead came from, such as {@code listing_page}
     */
    public Event trackLead(LeadKind kind, String listingId, String listerId, ListerType listerType, String context) {
        return trackLead(kind, listingId, listerId, listerType, null, context, null, null);
    }

    /**
     * {@code lead_*} for a listing in a development.
     *
     * @param developmentId optional: the development the listing belongs to
     * @param context       optional: where the lead came from, such as {@code listing_page}
     */
    public Event trackLead(LeadKind kind, String listingId, String listerId, ListerType listerType,
                           String developmentId, String context) {
        return trackLead(kind, listingId, listerId, listerType, developmentId, context, null, null);
    }

    /**
     * {@code lead_*} with the message text ({@code lead_message}) or appointment time ({@code lead_appointment}).
     *
     * @param message       optional
     * @param appointmentAt optional
     */
    public Event trackLead(LeadKind kind, String listingId, String listerId, ListerType listerType,
                           String developmentId, String context, String message, Instant appointmentAt) {
        Map<String, Object> properties = listing(listingId, listerId, listerType);
        put(properties, DEVELOPMENT_ID, developmentId);
        put(properties, CONTEXT, context);
        put(properties, MESSAGE, message);
        put(properties, APPOINTMENT_AT, appointmentAt == null ? null : appointmentAt.toString());
        return send(Objects.requireNonNull(kind, "kind").eventType(), properties);
    }

    /**
     * {@code profile_view}: the user opened a lister's profile.
     *
     * @param viewedFrom optional, free text
     */
    public Event trackProfileView(String profileId, ListerType userType, String viewedFrom) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(PROFILE_ID, profileId);
        properties.put(USER_TYPE, Objects.requireNonNull(userType, "userType").wireName());
        put(properties, VIEWED_FROM, viewedFrom);
        return send(EventType.PROFILE_VIEW, properties);
    }

    /**
     * {@code development_view}: the user opened a development's page.
     *
     * @param developerId optional
     * @param viewedFrom  optional
     */
    public Event trackDevelopmentView(String developmentId, String developerId, DevelopmentSource viewedFrom) {
        Map<String, Object> properties = development(developmentId, developerId);
        put(properties, VIEWED_FROM, viewedFrom == null ? null : viewedFrom.wireName());
        properties.put(IS_LOGGED_IN, loggedIn);
        return send(EventType.DEVELOPMENT_VIEW, properties);
    }

    /**
     * {@code development_share}, {@code _saved}, {@code _social_click} or {@code _interaction}.
     *
     * @param developerId optional
     * @param detail      optional: the platform for a share or social click, the interaction type for an interaction
     */
    public Event trackDevelopmentInteraction(DevelopmentInteraction kind, String developmentId, String developerId,
                                             String detail) {
        Map<String, Object> properties = development(developmentId, developerId);
        switch (Objects.requireNonNull(kind, "kind")) {
            case SHARE, SOCIAL_CLICK -> put(properties, PLATFORM, detail);
            case INTERACTION -> put(properties, INTERACTION_TYPE, detail);
            case SAVED -> {
                // development_saved reads no detail.
            }
        }
        return send(kind.eventType(), properties);
    }

    /**
     * {@code listing_created}.
     *
     * @param developmentId optional
     */
    public Event trackListingCreated(String listingId, String listerId, ListerType listerType, String developmentId) {
        Map<String, Object> properties = listing(listingId, listerId, listerType);
        put(properties, DEVELOPMENT_ID, developmentId);
        return send(EventType.LISTING_CREATED, properties);
    }

    /** {@code listing_updated}; the lister is optional. */
    public Event trackListingUpdated(String listingId, String listerId, ListerType listerType) {
        return send(EventType.LISTING_UPDATED, listing(listingId, listerId, listerType));
    }

    /** {@code listing_deleted}. */
    public Event trackListingDeleted(String listingId, String listerId, ListerType listerType) {
        return send(EventType.LISTING_DELETED, listing(listingId, listerId, listerType));
    }

    /**
     * {@code user_logged_in}.
     *
     * @param userType optional, free text (seekers are not listers)
     */
    public Event trackUserLoggedIn(String userType) {
        Map<String, Object> properties = new LinkedHashMap<>();
        put(properties, USER_TYPE, userType);
        return send(EventType.USER_LOGGED_IN, properties);
    }

    /**
     * {@code user_logged_out}.
     *
     * @param userType optional, free text
     */
    public Event trackUserLoggedOut(String userType) {
        Map<String, Object> properties = new LinkedHashMap<>();
        put(properties, USER_TYPE, userType);
        return send(EventType.USER_LOGGED_OUT, properties);
    }

    /**
     * {@code development_created}.
     *
     * @param developerId optional
     */
    public Event trackDevelopmentCreated(String developmentId, String developerId) {
        return send(EventType.DEVELOPMENT_CREATED, development(developmentId, developerId));
    }

    /** Any catalogued event with the given properties (snake_case names from core's {@code Properties}). */
    public Event track(EventType type, Map<String, Object> properties) {
        return send(Objects.requireNonNull(type, "type"), properties);
    }

    private Event send(EventType type, Map<String, Object> properties) {
        return batcher.track(type.wireName(), distinctId, properties);
    }

    private static Map<String, Object> listing(String listingId, String listerId, ListerType listerType) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(LISTING_ID, listingId);
        put(properties, LISTER_ID, listerId);
        put(properties, LISTER_TYPE, listerType == null ? null : listerType.wireName());
        return properties;
    }

    private static Map<String, Object> development(String developmentId, String developerId) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(DEVELOPMENT_ID, developmentId);
        put(properties, DEVELOPER_ID, developerId);
        return properties;
    }

    private static void put(Map<String, Object> properties, String key, Object value) {
        if (value != null) {
            properties.put(key, value);
        }
    }
}
