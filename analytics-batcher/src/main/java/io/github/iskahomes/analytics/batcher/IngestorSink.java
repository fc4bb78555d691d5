package io.github.iskahomes.analytics.batcher;

import io.github.iskahomes.analytics.core.AnalyticsException;
import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.StoreUnavailableException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Hands batches to an {@code Ingestor} in the same JVM, with no HTTP in between:
 * {@code IngestorSink.of(ingestor::ingest)}. The batcher module does not depend on the Redis module; the sink takes
 * the ingest call as a function.
 *
 * <p>A {@link StoreUnavailableException} (Redis down) or {@link UncheckedIOException} is retried by the batcher; any
 * other exception is a refusal with the exception's message. Events the ingestor rejects one by one (invalid data)
 * are the ingestor's to report: the batch counts as delivered.
 */
public final class IngestorSink implements Sink {
    private final String name;
    private final Consumer<List<Event>> ingest;

    private IngestorSink(String name, Consumer<List<Event>> ingest) {
        this.name = Objects.requireNonNull(name, "name");
        this.ingest = Objects.requireNonNull(ingest, "ingest");
    }

    /** A sink named {@code ingestor} calling {@code ingest} with each batch, for example {@code ingestor::ingest}. */
    public static IngestorSink of(Consumer<List<Event>> ingest) {
        return new IngestorSink("ingestor", ingest);
    }

    /** A sink with another name; see {@link #of(Consumer)}. */
    public static IngestorSink of(String name, Consumer<List<Event>> ingest) {
        return new IngestorSink(name, ingest);
    }

    @Override
    public String name() {
        return name;
    }

    /** Calls the ingestor; never throws. */
    @Override
    public SendResult send(List<Event> events) {
        try {
            ingest.accept(events);
            return SendResult.delivered();
        } catch (StoreUnavailableException | UncheckedIOException e) {
            return SendResult.retryable(String.valueOf(e.getMessage()), null);
        } catch (AnalyticsException | IllegalArgumentException e) {
            return SendResult.rejected(e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            // Unknown failures may be transient (a driver's own connection exception); retrying is capped anyway.
            return SendResult.retryable(e.getClass().getName() + ": " + e.getMessage(), null);
        }
    }
}
