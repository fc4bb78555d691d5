package io.github.iskahomes.analytics.core;

import io.github.iskahomes.analytics.core.internal.EventValidator;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One tracked event, as a client sends it: the event name, who did it, when, a uuid for deduplication and free-form
 * properties (strings, numbers, booleans, lists and maps, as in JSON).
 *
 * <p>An {@code Event} is not necessarily valid: {@link EventValidator} decides that and says why not. The
 * {@code timestamp} and {@code uuid} may be {@code null} for events received from clients that send neither; the
 * validator then supplies them. Instances are immutable and thread-safe.
 *
 * @param name       the event name, for example {@code property_view}; see {@link EventType}
 * @param distinctId who did it (PostHog's {@code distinct_id}); the seeker unless {@code seeker_id} says otherwise
 * @param timestamp  when it happened, or {@code null} for "when it arrives"
 * @param uuid       the event's unique id, or {@code null}
 * @param properties the event's properties, snake_case keys (see {@link EventType} for what each type reads)
 */
public record Event(String name, String distinctId, Instant timestamp, String uuid, Map<String, Object> properties) {

    public Event {
        properties = properties == null || properties.isEmpty()
                ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    /**
     * A new event stamped now with a random uuid, as the batcher creates them at {@code track()} time.
     */
    public static Event create(String name, String distinctId, Map<String, Object> properties) {
        return new Event(name, distinctId, Instant.now(), UUID.randomUUID().toString(), properties);
    }

    /** The same event with another timestamp. */
    public Event withTimestamp(Instant newTimestamp) {
        return new Event(name, distinctId, newTimestamp, uuid, properties);
    }

    /** The same event with another uuid. */
    public Event withUuid(String newUuid) {
        return new Event(name, distinctId, timestamp, newUuid, properties);
    }

    /** The same event with one property set (or replaced). */
    public Event withProperty(String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(properties);
        copy.put(Objects.requireNonNull(key, "key"), value);
        return new Event(name, distinctId, timestamp, uuid, copy);
    }

    /**
     * A property as text: strings as they are, numbers and booleans in their JSON form, {@code null} when absent or
     * JSON null. Lists and maps are not text and also give {@code null}.
     */
    public String text(String key) {
        Object value = properties.get(key);
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        return null;
    }
}
