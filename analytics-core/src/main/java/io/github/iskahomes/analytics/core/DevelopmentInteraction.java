package io.github.iskahomes.analytics.core;

/**
 * The interactions with a development, each its own event; the contract counts each in its own column
 * ({@code shares}, {@code saves}, {@code social_clicks}, {@code interactions}) and all of them in
 * {@code total_interactions}.
 */
public enum DevelopmentInteraction {
    SHARE(EventType.DEVELOPMENT_SHARE), SAVED(EventType.DEVELOPMENT_SAVED),
    SOCIAL_CLICK(EventType.DEVELOPMENT_SOCIAL_CLICK), INTERACTION(EventType.DEVELOPMENT_INTERACTION);

    private final EventType type;

    DevelopmentInteraction(EventType type) {
        this.type = type;
    }

    /** The event this kind is tracked as, for example {@link EventType#DEVELOPMENT_SHARE}. */
    public EventType eventType() {
        return type;
    }
}
