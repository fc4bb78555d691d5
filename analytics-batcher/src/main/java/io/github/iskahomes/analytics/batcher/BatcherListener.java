package io.github.iskahomes.analytics.batcher;

import io.github.iskahomes.analytics.core.Event;
import java.time.Duration;
import java.util.List;

/**
 * Hears what happens to tracked events, per sink, so a host can export metrics or alert. Every method has an empty
 * default; implement those you need.
 *
 * <p>Methods are called from the sinks' sender threads (for an {@link HttpIngestSink} with several requests in
 * flight, from its request threads, several at once), and {@link #onDropped} with {@link DropReason#QUEUE_FULL} or
 * {@link DropReason#BATCHER_CLOSED} also from the thread calling {@code track()}: implementations must be thread-safe
 * and quick. An exception thrown by a listener is logged and otherwise ignored. Set one with
 * {@link EventBatcher.Builder#listener(BatcherListener)}; {@link #composite} combines several.
 */
public interface BatcherListener {

    /**
     * {@code count} events of a batch were delivered by {@code sink} and accepted by its backend (those it rejected
     * one by one are reported to {@link #onRejected} instead).
     */
    default void onSent(String sink, int count) {
    }

    /**
     * A batch failed with a retryable error and will be sent again after {@code delay}.
     *
     * @param attempt the attempt that failed, from 1
     */
    default void onRetry(String sink, int count, int attempt, Duration delay, String reason) {
    }

    /** An event was dropped without being sent. */
    default void onDropped(String sink, Event event, DropReason reason) {
    }

    /**
     * Events that will not be sent again: a batch refused by the backend (a 4xx answer, with its reason) or out of
     * attempts, or a single event that cannot be sent at all (a property with no JSON form, or larger than a request
     * may be), with the reason naming what is wrong.
     */
    default void onFailed(String sink, List<Event> events, String reason) {
    }

    /**
     * The backend took the batch but refused this event on its own (the ingestor's {@code rejected[]}: invalid data),
     * with the backend's reason, for example {@code "listing_id is missing"}. It is not sent again.
     */
    default void onRejected(String sink, Event event, String reason) {
    }

    /**
     * One listener that tells each of {@code listeners}, in order (for example a host's own and analytics-micrometer's
     * {@code BatcherMetrics}). One that throws does not keep the others from hearing the event: each is called on its
     * own, and a throw is logged at WARN and ignored.
     *
     * @throws NullPointerException if {@code listeners} or one of them is null
     */
    static BatcherListener composite(BatcherListener... listeners) {
        return new CompositeBatcherListener(List.of(listeners));
    }
}
