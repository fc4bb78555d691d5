package io.github.iskahomes.analytics.batcher;

import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.internal.Listeners;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link BatcherListener#composite}: tells each listener in turn, each throw logged and contained. */
final class CompositeBatcherListener implements BatcherListener {
    private static final Logger log = LoggerFactory.getLogger(BatcherListener.class);

    private final List<BatcherListener> listeners;

    CompositeBatcherListener(List<BatcherListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    @Override
    public void onSent(String sink, int count) {
        Listeners.each(log, listeners, "onSent", listener -> listener.onSent(sink, count));
    }

    @Override
    public void onRetry(String sink, int count, int attempt, Duration delay, String reason) {
        Listeners.each(log, listeners, "onRetry", listener -> listener.onRetry(sink, count, attempt, delay, reason));
    }

    @Override
    public void onDropped(String sink, Event event, DropReason reason) {
        Listeners.each(log, listeners, "onDropped", listener -> listener.onDropped(sink, event, reason));
    }

    @Override
    public void onFailed(String sink, List<Event> events, String reason) {
        Listeners.each(log, listeners, "onFailed", listener -> listener.onFailed(sink, events, reason));
    }

    @Override
    public void onRejected(String sink, Event event, String reason) {
        Listeners.each(log, listeners, "onRejected", listener -> listener.onRejected(sink, event, reason));
    }

    @Override
    public String toString() {
        return "BatcherListener.composite" + listeners;
    }
}
