package io.github.iskahomes.analytics.core.internal;

import io.github.iskahomes.analytics.core.Event;

/**
 * One element of a decoded request body: the event, or why it could not be read as one.
 *
 * @param index   the element's 0-based position in the request
 * @param event   the event (possibly partial when {@code problem} is set), or {@code null} if the element was not an
 *                event object at all
 * @param problem why the element cannot be ingested, or {@code null} when it decoded cleanly
 */
public record DecodedEvent(int index, Event event, String problem) {

    /** The uuid the client gave the element, if any, for reporting. */
    public String uuid() {
        return event == null ? null : event.uuid();
    }
}
