package io.github.iskahomes.analytics.redis;

import io.github.iskahomes.analytics.core.StoreUnavailableException;
import io.github.iskahomes.analytics.core.internal.Listeners;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link IngestorListener#composite}: tells each listener in turn, each throw logged and contained. */
final class CompositeIngestorListener implements IngestorListener {
    private static final Logger log = LoggerFactory.getLogger(IngestorListener.class);

    private final List<IngestorListener> listeners;

    CompositeIngestorListener(List<IngestorListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    @Override
    public void onBatch(IngestBatch batch) {
        Listeners.each(log, listeners, "onBatch", listener -> listener.onBatch(batch));
    }

    @Override
    public void onUnavailable(StoreUnavailableException e, int events, Duration elapsed) {
        Listeners.each(log, listeners, "onUnavailable", listener -> listener.onUnavailable(e, events, elapsed));
    }

    @Override
    public String toString() {
        return "IngestorListener.composite" + listeners;
    }
}
