package io.github.iskahomes.analytics.batcher;

import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.internal.EventJson;
import java.util.Collections;
import java.util.Map;

/**
 * Why an event cannot be written as JSON, in words a developer can act on: which property, and what type its value
 * has. Only called after encoding the event failed, so its cost (one trial encoding per value on the path to the
 * culprit) is paid for broken events alone.
 */
final class Unencodable {
    /** How deep the search follows maps and lists; a value nested deeper (or a cycle) is named at this depth. */
    private static final int MAX_DEPTH = 32;

    private Unencodable() {
    }

    /** The event's JSON, or {@code null} when it has none; {@code reason(event)} then says why. */
    static byte[] tryEncode(Event event) {
        try {
            return EventJson.encode(event).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } catch (RuntimeException | StackOverflowError e) {
            // A value the JSON writer cannot handle (a java.time type, an empty bean, a getter that throws, a cycle):
            // it would fail the same way on every attempt, so it must never reach the retry loop.
            return null;
        }
    }

    /** The reason an event that {@link #tryEncode} refused cannot be sent. */
    static String reason(Event event) {
        for (Map.Entry<String, Object> property : event.properties().entrySet()) {
            String culprit = culprit(property.getKey(), property.getValue(), 0);
            if (culprit != null) {
                return "property " + culprit + ", which cannot be written as JSON; send a string, number, boolean,"
                        + " list or map instead";
            }
        }
        return "the event cannot be written as JSON";
    }

    /** {@code "path" holds a T} for the innermost value under {@code value} that cannot be written, or null. */
    private static String culprit(String path, Object value, int depth) {
        if (writes(value)) {
            return null;
        }
        if (depth < MAX_DEPTH) {
            if (value instanceof Map<?, ?> map) {
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    String inner = culprit(path + "." + entry.getKey(), entry.getValue(), depth + 1);
                    if (inner != null) {
                        return inner;
                    }
                }
            } else if (value instanceof Iterable<?> list) {
                int index = 0;
                for (Object element : list) {
                    String inner = culprit(path + "[" + index++ + "]", element, depth + 1);
                    if (inner != null) {
                        return inner;
                    }
                }
            } else if (value instanceof Object[] array) {
                for (int index = 0; index < array.length; index++) {
                    String inner = culprit(path + "[" + index + "]", array[index], depth + 1);
                    if (inner != null) {
                        return inner;
                    }
                }
            }
        }
        return "\"" + path + "\" holds a " + value.getClass().getName();
    }

    private static boolean writes(Object value) {
        return tryEncode(new Event("probe", null, null, null, Collections.singletonMap("value", value))) != null;
    }
}
