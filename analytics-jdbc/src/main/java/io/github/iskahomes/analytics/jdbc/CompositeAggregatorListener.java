package io.github.iskahomes.analytics.jdbc;

import io.github.iskahomes.analytics.core.internal.Listeners;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link AggregatorListener#composite}: tells each listener in turn, each throw logged and contained. */
final class CompositeAggregatorListener implements AggregatorListener {
    private static final Logger log = LoggerFactory.getLogger(AggregatorListener.class);

    private final List<AggregatorListener> listeners;

    CompositeAggregatorListener(List<AggregatorListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    @Override
    public void onRunStarted(Instant at) {
        Listeners.each(log, listeners, "onRunStarted", listener -> listener.onRunStarted(at));
    }

    @Override
    public void onRunFinished(AggregationResult result, Duration elapsed) {
        Listeners.each(log, listeners, "onRunFinished", listener -> listener.onRunFinished(result, elapsed));
    }

    @Override
    public void onLockHeldElsewhere(Duration elapsed) {
        Listeners.each(log, listeners, "onLockHeldElsewhere", listener -> listener.onLockHeldElsewhere(elapsed));
    }

    @Override
    public void onRunFailed(Exception e, Duration elapsed) {
        Listeners.each(log, listeners, "onRunFailed", listener -> listener.onRunFailed(e, elapsed));
    }

    @Override
    public String toString() {
        return "AggregatorListener.composite" + listeners;
    }
}
