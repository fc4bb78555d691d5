package io.github.iskahomes.analytics.core.internal;

import static io.github.iskahomes.analytics.core.internal.Properties.*;

import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.EventType;
import io.github.iskahomes.analytics.core.ListerType;
import io.github.iskahomes.analytics.core.RejectionCategory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Checks events against the catalogue and the {@link ValidationRules}. Never throws for bad input: every problem
 * comes back as a {@link Validation.Rejected} with a reason a user can act on. Immutable and thread-safe.
 *
 * <p>Events without a timestamp take the time their uuid carries when it is a UUIDv7 whose time lies inside the
 * accepted window (so every try of the event lands on the same day, whatever the clock did in between), else the
 * time of validation. Events without a uuid get one derived from their content when they carry a timestamp (so a
 * client that retries the same event is still deduplicated) and a random one otherwise.
 */
public final class EventValidator {
    private final ValidationRules rules;

    /**
     * @param rules what to accept
     * @throws NullPointerException if {@code rules} is null
     */
    public EventValidator(ValidationRules rules) {
        this.rules = Objects.requireNonNull(rules, "rules");
    }

    /** The rules this validator applies. */
    public ValidationRules rules() {
        return rules;
    }

    /** Validates one event as of {@code now}. */
    public Validation validate(Event event, Instant now) {
        if (event == null) {
            return new Validation.Rejected("the event is null", RejectionCategory.INVALID_PAYLOAD);
        }
        if (event.name() == null || event.name().isBlank()) {
            return new Validation.Rejected("event name is missing", RejectionCategory.MISSING_PROPERTY);
        }
        EventType type = EventType.fromWireName(event.name()).orElse(null);
        if (type == null) {
            return new Validation.Rejected("event \"" + event.name() + "\" is not in the catalogue",
                    RejectionCategory.UNKNOWN_EVENT_TYPE);
        }
        for (String required : type.requiredProperties()) {
            Object value = event.properties().get(required);
            if (value == null || (value instanceof String s && s.isEmpty())) {
                return new Validation.Rejected(required + " is missing", RejectionCategory.MISSING_PROPERTY);
            }
        }
        Validation.Rejected rejected = invalid(checkIds(event, type));
        if (rejected == null) {
            rejected = unstorable(checkText(event, type));
        }
        if (rejected == null) {
            rejected = checkListerTypes(event, type);
        }
        if (rejected == null) {
            rejected = checkSize(event);
        }
        if (rejected != null) {
            return rejected;
        }
        String seeker = firstNonEmpty(event.text(SEEKER_ID), event.distinctId());
        if (seeker == null) {
            return new Validation.Rejected("distinct_id is missing; send distinct_id or a seeker_id property",
                    RejectionCategory.MISSING_PROPERTY);
        }
        Instant timestamp = event.timestamp() == null ? untimed(event.uuid(), now) : event.timestamp();
        if (timestamp.isBefore(now.minus(rules.retention()))) {
            return new Validation.Rejected("timestamp " + timestamp + " is older than the " + describe(rules.retention())
                    + " retention", RejectionCategory.TIMESTAMP_OUT_OF_RANGE);
        }
        if (timestamp.isAfter(now.plus(rules.maxFutureSkew()))) {
            return new Validation.Rejected("timestamp " + timestamp + " is more than " + describe(rules.maxFutureSkew())
                    + " in the future", RejectionCategory.TIMESTAMP_OUT_OF_RANGE);
        }
        String uuid = event.uuid();
        if (uuid == null || uuid.isEmpty()) {
            uuid = event.timestamp() == null ? UUID.randomUUID().toString() : contentUuid(event);
        } else if ((rejected = invalid(Ids.problem("uuid", uuid))) != null) {
            return rejected;
        }
        LocalDate day = rules.calendar().dayOf(timestamp);
        // A timed event with its own uuid (the batcher's) is already resolved: no copy of its properties.
        Event resolved = timestamp == event.timestamp() && uuid == event.uuid() ? event
                : new Event(event.name(), event.distinctId(), timestamp, uuid, event.properties());
        return new Validation.Accepted(new CheckedEvent(type, resolved, day, seeker));
    }

    /** A rejection of {@code problem} as an invalid property, or {@code null} when there is no problem. */
    private static Validation.Rejected invalid(String problem) {
        return problem == null ? null : new Validation.Rejected(problem, RejectionCategory.INVALID_PROPERTY);
    }

    /** A rejection of {@code problem} as unstorable text, or {@code null} when there is no problem. */
    private static Validation.Rejected unstorable(String problem) {
        return problem == null ? null : new Validation.Rejected(problem, RejectionCategory.UNSTORABLE_TEXT);
    }

    /** The properties held to the id rule, in the order they are checked. */
    private static final java.util.List<String> ID_PROPERTIES = java.util.List.of(LISTING_ID, LISTER_ID, SEEKER_ID,
            DEVELOPMENT_ID, DEVELOPER_ID, PROFILE_ID);

    private static String checkIds(Event event, EventType type) {
        for (String property : ID_PROPERTIES) {
            Object value = event.properties().get(property);
            if (value == null) {
                continue;
            }
            if (!(value instanceof String) && !(value instanceof Number)) {
                return property + " must be a string, not " + jsonKind(value);
            }
            String problem = Ids.problem(property, value.toString());
            if (problem != null) {
                return problem;
            }
        }
        if (event.text(SEEKER_ID) == null && event.distinctId() != null && !event.distinctId().isEmpty()) {
            return Ids.problem("distinct_id", event.distinctId());
        }
        return null;
    }

    /**
     * Why a text property the catalogue reads cannot be stored, or {@code null}. Every such property is checked, not
     * only those stored today (the lead's {@code context}), so that storing another one later cannot let unstorable
     * text in. Properties outside the catalogue are never stored and are not checked.
     */
    private static String checkText(Event event, EventType type) {
        for (String property : type.requiredProperties()) {
            String problem = textProblem(event, property);
            if (problem != null) {
                return problem;
            }
        }
        for (String property : type.optionalProperties()) {
            String problem = textProblem(event, property);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static String textProblem(Event event, String property) {
        if (ID_PROPERTIES.contains(property) || !(event.properties().get(property) instanceof String text)) {
            return null;
        }
        return StorableText.problem(property, text);
    }

    /**
     * The timestamp of an event sent without one: its UUIDv7's time when that lies inside the accepted window, else
     * {@code now}. Outside the window the uuid's time is not trusted (a wrong client clock, or a uuid that only looks
     * like a v7), and the event is dated by its arrival, as any other untimed event.
     */
    private Instant untimed(String uuid, Instant now) {
        Instant carried = Uuids.v7Time(uuid).orElse(null);
        if (carried == null || carried.isBefore(now.minus(rules.retention()))
                || carried.isAfter(now.plus(rules.maxFutureSkew()))) {
            return now;
        }
        return carried;
    }

    private static Validation.Rejected checkListerTypes(Event event, EventType type) {
        String notText = notText(event, LISTER_TYPE);
        if (notText == null && type == EventType.PROFILE_VIEW) {
            notText = notText(event, USER_TYPE);
        }
        if (notText != null) {
            return invalid(notText);
        }
        String listerType = event.text(LISTER_TYPE);
        if (listerType != null && ListerType.fromWireName(listerType).isEmpty()) {
            return invalid("lister_type \"" + listerType + "\" is not one of " + ListerType.NAMES);
        }
        if (listerType == null && event.text(LISTER_ID) != null) {
            return new Validation.Rejected("lister_type is missing; it is required with lister_id (one of "
                    + ListerType.NAMES + ")", RejectionCategory.MISSING_PROPERTY);
        }
        String userType = event.text(USER_TYPE);
        if (type == EventType.PROFILE_VIEW && ListerType.fromWireName(userType).isEmpty()) {
            return invalid("user_type \"" + userType + "\" is not one of " + ListerType.NAMES);
        }
        return null;
    }

    /** Why a property that must be text is a list or map instead, or {@code null}. */
    private static String notText(Event event, String property) {
        Object value = event.properties().get(property);
        if (value instanceof Map || value instanceof Collection) {
            return property + " must be a string, not " + jsonKind(value);
        }
        return null;
    }

    private Validation.Rejected checkSize(Event event) {
        long size = jsonSize(event.properties());
        if (size > rules.maxPropertiesBytes()) {
            return new Validation.Rejected("properties are about " + size + " bytes; at most "
                    + rules.maxPropertiesBytes() + " are allowed", RejectionCategory.TOO_LARGE);
        }
        return null;
    }

    /** A cheap estimate of the UTF-8 JSON size of a value, without serialising it. */
    static long jsonSize(Object value) {
        if (value == null) {
            return 4;
        }
        if (value instanceof CharSequence s) {
            return utf8Length(s) + 2;
        }
        if (value instanceof Map<?, ?> map) {
            long size = 2;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                size += utf8Length(String.valueOf(entry.getKey())) + 4 + jsonSize(entry.getValue());
            }
            return size;
        }
        if (value instanceof Collection<?> list) {
            long size = 2;
            for (Object element : list) {
                size += jsonSize(element) + 1;
            }
            return size;
        }
        return value.toString().length();
    }

    private static long utf8Length(CharSequence s) {
        long bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes;
    }

    private static String contentUuid(Event event) {
        String content = event.name() + '\u0000' + event.distinctId() + '\u0000' + event.timestamp().toEpochMilli()
                + '\u0000' + sorted(event.properties());
        return UUID.nameUUIDFromBytes(content.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Properties in key order, so the derived uuid does not depend on the order a client sent them in. */
    private static Map<String, Object> sorted(Map<String, Object> properties) {
        Map<String, Object> sorted = new TreeMap<>(java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder()));
        sorted.putAll(properties);
        return sorted;
    }

    private static String firstNonEmpty(String a, String b) {
        if (a != null && !a.isEmpty()) {
            return a;
        }
        return b == null || b.isEmpty() ? null : b;
    }

    private static String jsonKind(Object value) {
        if (value instanceof Boolean) {
            return "a boolean";
        }
        if (value instanceof Map) {
            return "an object";
        }
        if (value instanceof Collection) {
            return "an array";
        }
        return "a " + value.getClass().getSimpleName();
    }

    static String describe(java.time.Duration duration) {
        if (duration.toDaysPart() > 0 && duration.toHoursPart() == 0 && duration.toMinutesPart() == 0
                && duration.toSecondsPart() == 0) {
            return duration.toDays() + "-day";
        }
        if (duration.toHours() > 0 && duration.toMinutesPart() == 0 && duration.toSecondsPart() == 0) {
            long hours = duration.toHours();
            return hours + (hours == 1 ? " hour" : " hours");
        }
        if (duration.toSecondsPart() == 0 && duration.toNanosPart() == 0) {
            return duration.toMinutes() + " minutes";
        }
        return duration.toSeconds() + " seconds";
    }
}
