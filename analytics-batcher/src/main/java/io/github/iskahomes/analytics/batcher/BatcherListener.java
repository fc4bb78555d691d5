package io.github.iskahomes.analytics.batcher;

import io.github.iskahomes.analytics.core.Event;
import java.time.Duration;
import java.util.List;

/**
 * Hears what happens to tracked events, per sink, so a host can export metrics or alert. Every method has an empty
 * default; implement those you need.
 *
 * <p>Methods are called from the sinks' sender threads, and {@link #onDropped} with {@link DropReason#QUEUE_FULL} or
 * {@link DropReason#BATCHER_CLOSED} also from the thread calling {@code track()}: implementations must be thread-safe
 * and quick. An exception thrown by a listener is logged and otherwise ignored.
 */
public interface BatcherListener {

    /** A batch of {@code count} events was delivered by {@code sink}. */
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
     * A batch was refused by the backend (a 4xx answer, with its reason) or ran out of attempts; its events will not
     * be sent again.
     */
    default void onFailed(String sink, List<Event> events, String reason) {
    }
}
