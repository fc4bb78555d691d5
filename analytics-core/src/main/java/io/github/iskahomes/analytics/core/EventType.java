package io.github.iskahomes.analytics.core;

import static io.github.iskahomes.analytics.core.internal.Properties.*;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The event catalogue: every event type the library understands, the properties each requires and those it reads
 * when present. Properties outside both lists are kept but ignored (PostHog SDKs add many {@code $}-properties).
 */
public enum EventType {
    PROPERTY_VIEW(EventCategory.PROPERTY, List.of(LISTING_ID),
            List.of(LISTER_ID, LISTER_TYPE, SEEKER_ID, VIEWED_FROM, IS_LOGGED_IN, DEVELOPMENT_ID)),
    LISTING_IMPRESSION(EventCategory.PROPERTY, List.of(LISTING_ID),
            List.of(LISTER_ID, LISTER_TYPE, SEEKER_ID, VIEWED_FROM, POSITION)),

    IMPRESSION_SOCIAL_MEDIA(EventCategory.IMPRESSION, List.of(LISTING_ID), List.of(LISTER_ID, LISTER_TYPE, SEEKER_ID, PLATFORM)),
    IMPRESSION_WEBSITE_VISIT(EventCategory.IMPRESSION, List.of(LISTING_ID), List.of(LISTER_ID, LISTER_TYPE, SEEKER_ID)),
    IMPRESSION_SHARE(EventCategory.IMPRESSION, List.of(LISTING_ID), List.of(LISTER_ID, LISTER_TYPE, SEEKER_ID, PLATFORM)),
    IMPRESSION_SAVED_LISTING(EventCategory.IMPRESSION, List.of(LISTING_ID), List.of(LISTER_ID, LISTER_TYPE, SEEKER_ID)),

    LEAD_PHONE(EventCategory.LEAD, List.of(LISTING_ID), List.of(LISTER_ID, LISTER_TYPE, SEEKER_ID, DEVELOPMENT_ID, CONTEXT)),
    LEAD_MESSAGE(EventCategory.LEAD, List.of(LISTING_ID),
            List.of(LISTER_ID, LISTER_TYPE, SEEKER_ID, DEVELOPMENT_ID, CONTEXT, MESSAGE)),
    LEAD_EMAIL(EventCategory.LEAD, List.of(LISTING_ID), List.of(LISTER_ID, LISTER_TYPE, SEEKER_ID, DEVELOPMENT_ID, CONTEXT)),
    LEAD_APPOINTMENT(EventCategory.LEAD, List.of(LISTING_ID),
            List.of(LISTER_ID, LISTER_TYPE, SEEKER_ID, DEVELOPMENT_ID, CONTEXT, APPOINTMENT_AT)),

    PROFILE_VIEW(EventCategory.PROFILE, List.of(PROFILE_ID, USER_TYPE), List.of(SEEKER_ID, VIEWED_FROM)),

    DEVELOPMENT_VIEW(EventCategory.DEVELOPMENT, List.of(DEVELOPMENT_ID),
            List.of(DEVELOPER_ID, SEEKER_ID, VIEWED_FROM, IS_LOGGED_IN)),
    DEVELOPMENT_SHARE(EventCategory.DEVELOPMENT, List.of(DEVELOPMENT_ID), List.of(DEVELOPER_ID, SEEKER_ID, PLATFORM)),
    DEVELOPMENT_SAVED(EventCategory.DEVELOPMENT, List.of(DEVELOPMENT_ID), List.of(DEVELOPER_ID, SEEKER_ID)),
    DEVELOPMENT_SOCIAL_CLICK(EventCategory.DEVELOPMENT, List.of(DEVELOPMENT_ID), List.of(DEVELOPER_ID, SEEKER_ID, PLATFORM)),
    DEVELOPMENT_INTERACTION(EventCategory.DEVELOPMENT, List.of(DEVELOPMENT_ID),
            List.of(DEVELOPER_ID, SEEKER_ID, INTERACTION_TYPE)),

    LISTING_CREATED(EventCategory.SYSTEM, List.of(LISTING_ID, LISTER_ID, LISTER_TYPE), List.of(DEVELOPMENT_ID)),
    LISTING_UPDATED(EventCategory.SYSTEM, List.of(LISTING_ID), List.of(LISTER_ID, LISTER_TYPE)),
    LISTING_DELETED(EventCategory.SYSTEM, List.of(LISTING_ID, LISTER_ID, LISTER_TYPE), List.of()),
    USER_LOGGED_IN(EventCategory.SYSTEM, List.of(), List.of(USER_TYPE)),
    USER_LOGGED_OUT(EventCategory.SYSTEM, List.of(), List.of(USER_TYPE)),
    DEVELOPMENT_CREATED(EventCategory.SYSTEM, List.of(DEVELOPMENT_ID), List.of(DEVELOPER_ID));

    private static final Map<String, EventType> BY_NAME = new HashMap<>();

    static {
        for (EventType type : values()) {
            BY_NAME.put(type.wireName, type);
        }
    }

    private final String wireName;
    private final EventCategory category;
    private final List<String> required;
    private final List<String> optional;

    EventType(EventCategory category, List<String> required, List<String> optional) {
        this.wireName = name().toLowerCase(Locale.ROOT);
        this.category = category;
        this.required = required;
        this.optional = optional;
    }

    /** The name events carry, for example {@code property_view}. */
    public String wireName() {
        return wireName;
    }

    /** The group this type belongs to; {@link EventCategory#LEAD} types are the lead kinds. */
    public EventCategory category() {
        return category;
    }

    /** Properties an event of this type must carry, in the order they are checked. */
    public List<String> requiredProperties() {
        return required;
    }

    /** Properties an event of this type reads when present. */
    public List<String> optionalProperties() {
        return optional;
    }

    /** Every property this type understands: required and optional. */
    public Set<String> understoodProperties() {
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(required);
        all.addAll(optional);
        return java.util.Collections.unmodifiableSet(all);
    }

    /** The type with this wire name (exact, as PostHog event names are case-sensitive), if catalogued. */
    public static Optional<EventType> fromWireName(String name) {
        return Optional.ofNullable(name == null ? null : BY_NAME.get(name));
    }
}
