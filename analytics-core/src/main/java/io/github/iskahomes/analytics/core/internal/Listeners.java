package io.github.iskahomes.analytics.core.internal;

import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * Calls a host's listener (the ingestor's, the aggregator's) so that what it throws is logged and goes no further:
 * a metrics exporter that fails must never fail the ingest call or the run it hears about.
 */
public final class Listeners {
    private Listeners() {
    }

    /**
     * Runs {@code call}; a {@link RuntimeException} from it is logged at WARN on {@code log}, once, naming the
     * listener and the method, and swallowed.
     *
     * @param method the listener method called, for the log line ({@code "onBatch"})
     */
    public static void call(Logger log, Object listener, String method, Runnable call) {
        Objects.requireNonNull(listener, "listener");
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("The listener {} threw from {}; ignoring it (the call it heard about is unaffected)", listener,
                    method, e);
        }
    }

    /**
     * Calls {@code method} on each of {@code listeners} in order, as {@link #call} does: one that throws is logged and
     * the next is still called. What a composite listener does.
     */
    public static <L> void each(Logger log, List<L> listeners, String method, Consumer<L> call) {
        for (L listener : listeners) {
            call(log, listener, method, () -> call.accept(listener));
        }
    }
}
