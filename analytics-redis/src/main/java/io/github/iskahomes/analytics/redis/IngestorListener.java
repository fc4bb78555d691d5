package io.github.iskahomes.analytics.redis;

import io.github.iskahomes.analytics.core.StoreUnavailableException;
import java.time.Duration;
import java.util.List;

/**
 * Hears every {@link Ingestor#ingest} call, so a host can export metrics (analytics-micrometer's
 * {@code IngestorMetrics} is one) or alert. Set one on {@link IngestorConfig.Builder#listener(IngestorListener)};
 * {@link #composite} combines several. Every method has an empty default; implement those you need.
 *
 * <p>Methods are called on the thread that called {@code ingest}, after the call's work is done and before it
 * returns: implementations must be thread-safe and quick. A listener that throws never changes the call: the
 * exception is logged at WARN (once per throw) and the call returns (or throws) exactly what it would have.
 * A call refused before it reaches Redis (closed ingestor, too many events, a body that is not JSON) is not reported.
 */
public interface IngestorListener {

    /** A listener that does nothing: the default of {@link IngestorConfig}. */
    IngestorListener NONE = new IngestorListener() {
        @Override
        public String toString() {
            return "IngestorListener.NONE";
        }
    };

    /** An {@code ingest} call completed: its events were applied, found duplicate or rejected. */
    default void onBatch(IngestBatch batch) {
    }

    /**
     * An {@code ingest} call failed because Redis is unavailable or too slow; it throws {@code e} to its caller.
     * Nothing of it may have been applied, or part of it: a retry of the same events completes it without counting
     * anything twice.
     *
     * @param events  the events the call carried
     * @param elapsed the call's time until it failed
     */
    default void onUnavailable(StoreUnavailableException e, int events, Duration elapsed) {
    }

    /**
     * One listener that tells each of {@code listeners}, in order. One that throws does not keep the others from
     * hearing the call: each is called on its own, and a throw is logged at WARN and ignored.
     *
     * @throws NullPointerException if {@code listeners} or one of them is null
     */
    static IngestorListener composite(IngestorListener... listeners) {
        return new CompositeIngestorListener(List.of(listeners));
    }
}
