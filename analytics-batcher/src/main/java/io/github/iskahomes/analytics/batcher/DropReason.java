package io.github.iskahomes.analytics.batcher;

/** Why an event was dropped without being sent; see {@link BatcherListener#onDropped}. */
public enum DropReason {
    /** The sink's queue was full (see {@link DropPolicy}): the backend is down or slower than the traffic. */
    QUEUE_FULL,
    /** The event was tracked after {@link EventBatcher#close()} began. */
    BATCHER_CLOSED,
    /** {@link EventBatcher#close()} ran out of time before the event could be delivered. */
    CLOSE_TIMEOUT
}
