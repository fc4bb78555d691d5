package io.github.iskahomes.analytics.core;

/**
 * The impression kinds of a listing, each its own event; the contract counts each under the event's name
 * ({@code impression_share} …) and all of them in {@code total_impressions}.
 */
public enum ImpressionKind {
    SOCIAL_MEDIA(EventType.IMPRESSION_SOCIAL_MEDIA),
    WEBSITE_VISIT(EventType.IMPRESSION_WEBSITE_VISIT),
    SHARE(EventType.IMPRESSION_SHARE),
    SAVED_LISTING(EventType.IMPRESSION_SAVED_LISTING);

    private final EventType type;

    ImpressionKind(EventType type) {
        this.type = type;
    }

    /** The event this kind is tracked as, for example {@link EventType#IMPRESSION_SHARE}. */
    public EventType eventType() {
        return type;
    }
}
