package io.github.iskahomes.analytics.batcher;

import io.github.iskahomes.analytics.core.AnalyticsException;
import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.StoreUnavailableException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Hands batches to an {@code Ingestor} in the same JVM, with no HTTP in between. The batcher module does not depend on
 * the Redis module, so the sink takes the ingest call as a function that answers with the events the ingestor
 * rejected one by one (invalid data), by their position in the batch:
 *
 * <pre>{@code
 * IngestorSink sink = IngestorSink.of(events -> ingestor.ingest(events).rejected().stream()
 *         .map(rejection -> new SendResult.Rejection(rejection.index(), rejection.reason()))
 *         .toList());
 * }</pre>
 *
 * <p>Those events are counted as rejected in {@link SinkStats#rejected()} and reported to
 * {@link BatcherListener#onRejected} with the ingestor's reason; the rest count as sent. A host that does not care
 * can use {@link #ignoringRejections(Consumer)}: the batcher then never learns of rejections and counts every
 * event of a delivered batch as sent (the ingestor still refuses and reports them).
 *
 * <p>A {@link StoreUnavailableException} (Redis down) or {@link UncheckedIOException} is retried by the batcher, as is
 * any exception it does not know; an {@link AnalyticsException} or {@link IllegalArgumentException} is a refusal of
 * the whole batch with the exception's message.
 */
public final class IngestorSink implements Sink {
    private static final String DEFAULT_NAME = "ingestor";

    private final String name;
    private final Function<List<Event>, List<SendResult.Rejection>> ingest;

    private IngestorSink(String name, Function<List<Event>, List<SendResult.Rejection>> ingest) {
        this.name = Objects.requireNonNull(name, "name");
        this.ingest = Objects.requireNonNull(ingest, "ingest");
    }

    /**
     * A sink named {@code ingestor} calling {@code ingest} with each batch; {@code ingest} returns the events the
     * ingestor rejected (an empty list when it took them all), as in the example above.
     */
    public static IngestorSink of(Function<List<Event>, List<SendResult.Rejection>> ingest) {
        return new IngestorSink(DEFAULT_NAME, ingest);
    }

    /** A sink with another name; see {@link #of(Function)}. */
    public static IngestorSink of(String name, Function<List<Event>, List<SendResult.Rejection>> ingest) {
        return new IngestorSink(name, ingest);
    }

    /**
     * A sink named {@code ingestor} calling {@code ingest} with each batch, for example {@code ingestor::ingest}, that
     * does not hear which events the ingestor rejected: they count as sent, not rejected, in {@link SinkStats} and
     * are not reported to {@link BatcherListener#onRejected}. Use {@link #of(Function)} to count them.
     */
    public static IngestorSink ignoringRejections(Consumer<List<Event>> ingest) {
        return ignoringRejections(DEFAULT_NAME, ingest);
    }

    /** A sink with another name; see {@link #ignoringRejections(Consumer)}. */
    public static IngestorSink ignoringRejections(String name, Consumer<List<Event>> ingest) {
        Objects.requireNonNull(ingest, "ingest");
        return new IngestorSink(name, events -> {
            ingest.accept(events);
            return List.of();
        });
    }

    @Override
    public String name() {
        return name;
    }

    /** Calls the ingestor; never throws. */
    @Override
    public SendResult send(List<Event> events) {
        List<SendResult.Rejection> rejected;
        try {
            rejected = ingest.apply(events);
        } catch (StoreUnavailableException | UncheckedIOException e) {
            return SendResult.retryable(String.valueOf(e.getMessage()), null);
        } catch (AnalyticsException | IllegalArgumentException e) {
            return SendResult.rejected(e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            // Unknown failures may be transient (a driver's own connection exception); retrying is capped anyway.
            return SendResult.retryable(e.getClass().getName() + ": " + e.getMessage(), null);
        }
        if (rejected == null || rejected.stream().anyMatch(Objects::isNull)) {
            // A bug in the host's function, not a passing failure: retrying would ingest the batch again for nothing.
            return SendResult.rejected("the ingest function of sink '" + name + "' returned "
                    + (rejected == null ? "null" : "a null rejection") + " instead of the list of rejected events"
                    + " (empty when none was rejected)");
        }
        return SendResult.delivered(rejected);
    }
}
