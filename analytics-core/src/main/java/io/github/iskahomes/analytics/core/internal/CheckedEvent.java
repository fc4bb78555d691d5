package io.github.iskahomes.analytics.core.internal;

import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.EventType;
import java.time.LocalDate;
import java.util.Objects;

/**
 * An event that passed validation, with everything the metric contract needs resolved: its catalogued type, a
 * uuid and timestamp (supplied when the client sent none), the business day and the seeker.
 *
 * @param type     the catalogued type
 * @param event    the event, its uuid and timestamp never {@code null}
 * @param day      the day its timestamp falls on in the business zone
 * @param seekerId {@code seeker_id}, else {@code distinct_id}
 */
public record CheckedEvent(EventType type, Event event, LocalDate day, String seekerId) {

    /** @throws NullPointerException if any component, or the event's uuid or timestamp, is null */
    public CheckedEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(event.uuid(), "event.uuid");
        Objects.requireNonNull(event.timestamp(), "event.timestamp");
        Objects.requireNonNull(day, "day");
        Objects.requireNonNull(seekerId, "seekerId");
    }

    /** The event's uuid: the client's, or the one validation supplied. */
    public String uuid() {
        return event.uuid();
    }

    /** A property as text, or {@code null}; see {@link Event#text(String)}. */
    public String text(String property) {
        return event.text(property);
    }
}
