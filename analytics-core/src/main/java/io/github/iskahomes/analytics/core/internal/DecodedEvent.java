package io.github.iskahomes.analytics.core.internal;

import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.RejectionCategory;

/**
 * One element of a decoded request body: the event, or why it could not be read as one.
 *
 * @param index   the element's 0-based position in the request
 * @param event   the event (possibly partial when {@code problem} is set), or {@code null} if the element was not an
 *                event object at all
 * @param problem  why the element cannot be ingested, or {@code null} when it decoded cleanly
 * @param category the kind of {@code problem}, or {@code null} when there is none
 */
public record DecodedEvent(int index, Event event, String problem, RejectionCategory category) {

    public DecodedEvent {
        if ((problem == null) != (category == null)) {
            throw new IllegalArgumentException("a problem needs a category and only a problem has one: " + problem
                    + ", " + category);
        }
    }

    /**
     * An element with no problem, or one the decoder could not read as an event
     * ({@link RejectionCategory#INVALID_PAYLOAD}).
     */
    public DecodedEvent(int index, Event event, String problem) {
        this(index, event, problem, problem == null ? null : RejectionCategory.INVALID_PAYLOAD);
    }

    /** The uuid the client gave the element, if any, for reporting. */
    public String uuid() {
        return event == null ? null : event.uuid();
    }
}
