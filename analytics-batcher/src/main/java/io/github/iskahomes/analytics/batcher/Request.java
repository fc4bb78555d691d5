package io.github.iskahomes.analytics.batcher;

import io.github.iskahomes.analytics.core.Event;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * What one send attempt carries: a run of a batch's events, in order, and for the HTTP sinks each event's JSON,
 * encoded once in the sender thread. Retries and the halves of a request the backend found too large reuse the same
 * bytes instead of encoding again. Used by one sender thread.
 */
final class Request {
    private final List<Event> events;
    /** Each event's JSON, or {@code null} for a sink that takes the events as they are. */
    private final List<byte[]> json;
    /** The body as last built, kept for retries. */
    private byte[] body;

    private Request(List<Event> events, List<byte[]> json) {
        this.events = Collections.unmodifiableList(events);
        this.json = json;
    }

    /** A request for a sink that is handed the events themselves. */
    static Request of(List<Event> events) {
        return new Request(events, null);
    }

    /** A request whose events are already encoded, {@code json.get(i)} being the JSON of {@code events.get(i)}. */
    static Request encoded(List<Event> events, List<byte[]> json) {
        return new Request(events, json);
    }

    List<Event> events() {
        return events;
    }

    int size() {
        return events.size();
    }

    /** Each event's JSON, in order; only for a request made by {@link #encoded}. */
    List<byte[]> json() {
        return json;
    }

    /** The body {@code build} makes of this request, built once and kept for retries. */
    byte[] body(Function<Request, byte[]> build) {
        if (body == null) {
            body = build.apply(this);
        }
        return body;
    }

    /** The first and the second half of the events, each a request of its own; for two or more events. */
    List<Request> halves() {
        int middle = events.size() / 2;
        return List.of(slice(0, middle), slice(middle, events.size()));
    }

    private Request slice(int from, int to) {
        return new Request(events.subList(from, to), json == null ? null : json.subList(from, to));
    }
}
