package io.github.iskahomes.analytics.batcher;

import io.github.iskahomes.analytics.core.Event;
import java.util.List;

/**
 * A destination for batches of events: {@link HttpIngestSink}, {@link IngestorSink}, {@link PostHogSink}, or one of
 * the host's own. The batcher gives each sink its own queue and its own sender thread, so {@link #send} is only ever
 * called by one thread at a time and may block; a slow sink never delays another.
 *
 * <p>An exception thrown by {@code send} counts as a retryable failure (like a connection error); a sink that knows
 * retrying cannot help returns {@link SendResult#rejected(String)} instead, one whose backend refused the batch for
 * its size returns {@link SendResult#tooLarge(String)} (the batcher then sends it in halves), and one whose backend
 * refused some events on their own returns {@link SendResult#delivered(List)} with them. The batcher owns the sinks
 * it is built with and closes them when it is closed.
 */
public interface Sink extends AutoCloseable {

    /** A short name for counters, logs and the sender thread, unique within a batcher (for example {@code ingest}). */
    String name();

    /**
     * Delivers one batch, in order. Called by the sink's sender thread only.
     *
     * @param events the batch, never empty, at most {@link BatcherConfig#flushAt()} events
     * @return whether the batch was delivered (perhaps with some events rejected), may be retried, was refused, or
     *         was too large
     * @throws InterruptedException if the batcher's close ran out of time while the call was blocked
     * @throws Exception            any other failure, treated as retryable
     */
    SendResult send(List<Event> events) throws Exception;

    /** Releases what the sink holds. The default does nothing. */
    @Override
    default void close() {
    }
}
