package io.github.iskahomes.analytics.core;

import java.util.Optional;

/**
 * How a seeker reached out about a listing: each kind is its own lead event ({@code lead_phone} …), its own counters
 * ({@code phone_leads}, {@code phone_leads_generated}) and the {@link LeadAction#type() type} of the action it adds
 * to the lead.
 */
public enum LeadKind {
    PHONE(EventType.LEAD_PHONE), MESSAGE(EventType.LEAD_MESSAGE), EMAIL(EventType.LEAD_EMAIL),
    APPOINTMENT(EventType.LEAD_APPOINTMENT);

    private final EventType type;
    private final String wireName = WireNames.of(this);

    LeadKind(EventType type) {
        this.type = type;
    }

    /** The event this kind is tracked as, for example {@link EventType#LEAD_PHONE}. */
    public EventType eventType() {
        return type;
    }

    /** The name of the kind in lead actions and counters: {@code phone}, {@code message}, {@code email}, … */
    public String wireName() {
        return wireName;
    }

    /** The kind an event type tracks, if it is a lead event. */
    public static Optional<LeadKind> of(EventType type) {
        for (LeadKind kind : values()) {
            if (kind.type == type) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
