package io.github.iskahomes.analytics.batcher;

/** What a sink's queue does with a new event when it already holds {@link BatcherConfig#maxQueueSize()} events. */
public enum DropPolicy {
    /** Keep what is queued and drop the event being tracked (the default: the oldest events are sent first). */
    DROP_NEWEST,
    /** Drop the oldest queued event to make room for the new one (favours fresh data after an outage). */
    DROP_OLDEST
}
