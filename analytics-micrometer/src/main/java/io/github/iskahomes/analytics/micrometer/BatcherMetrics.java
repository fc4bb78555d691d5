package io.github.iskahomes.analytics.micrometer;

import io.github.iskahomes.analytics.batcher.BatcherListener;
import io.github.iskahomes.analytics.batcher.DropReason;
import io.github.iskahomes.analytics.batcher.EventBatcher;
import io.github.iskahomes.analytics.batcher.SinkStats;
import io.github.iskahomes.analytics.core.Event;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@link EventBatcher}'s meters, and the listener that records them. The batcher takes its listener when it is
 * built and the queue gauges read the built batcher's {@link EventBatcher#stats()}, so binding takes three lines:
 * <pre>{@code
 * BatcherMetrics metrics = new BatcherMetrics();
 * EventBatcher batcher = EventBatcher.builder().sink(sink).listener(metrics).build();
 * metrics.watch(batcher).bindTo(registry);
 * }</pre>
 * ({@code watch} and {@code bindTo} may come in either order.) With a listener of the host's own too, give the
 * builder {@code BatcherListener.composite(own, metrics)}.
 *
 * <ul>
 *   <li>{@value #EVENTS} (counter, events): events by {@code sink} and {@code outcome}: {@code sent},
 *       {@code failed} (will not be sent: refused with their batch, out of attempts, unencodable), {@code dropped}
 *       (never sent, with {@code reason} {@code queue_full}, {@code batcher_closed} or {@code close_timeout}),
 *       {@code rejected} (the backend took the batch and refused the event); {@code reason} is {@code none} but for
 *       drops;</li>
 *   <li>{@value #RETRIES} (counter, events): events re-sent after a retryable failure, by {@code sink};</li>
 *   <li>{@value #QUEUE} (gauge, events): events of a {@code sink} queued or in flight, read from
 *       {@link SinkStats#pending()} of the watched batcher.</li>
 * </ul>
 * The counters of the watched batcher's sinks are registered with zero counts when bound; only what happens while
 * bound is counted. Thread-safe; may be bound to several registries, and watches one batcher.
 */
public final class BatcherMetrics implements BatcherListener, MeterBinder {
    /** Events by sink, outcome and drop reason. */
    public static final String EVENTS = "analytics.batcher.events";
    /** Events re-sent, by sink. */
    public static final String RETRIES = "analytics.batcher.retries";
    /** Events queued or in flight, by sink. */
    public static final String QUEUE = "analytics.batcher.queue.size";

    private static final List<String> OUTCOMES = List.of("sent", "failed", "rejected");
    private static final String EVENTS_HELP = "Events the batcher handled, by what became of them";
    private static final String RETRIES_HELP = "Events the batcher sent again after a retryable failure";
    private static final String QUEUE_HELP = "Events queued or in flight in a sink";
    private static final String NONE = "none";

    private final Registries registries;
    private final AtomicReference<EventBatcher> watched = new AtomicReference<>();

    /** Meters without tags of their own. */
    public BatcherMetrics() {
        this(Tags.empty());
    }

    /** Meters that also carry {@code tags}. */
    public BatcherMetrics(Iterable<Tag> tags) {
        this.registries = new Registries(tags);
    }

    /**
     * Reads the queue gauges from {@code batcher} (the one this object is the listener of), in the registries bound
     * already and in those bound later.
     *
     * @return this, to bind next
     * @throws IllegalStateException if another batcher is watched already
     */
    public BatcherMetrics watch(EventBatcher batcher) {
        Objects.requireNonNull(batcher, "batcher");
        if (!watched.compareAndSet(null, batcher) && watched.get() != batcher) {
            throw new IllegalStateException("this BatcherMetrics watches another EventBatcher already; make one per"
                    + " batcher (with a tag to tell them apart)");
        }
        registries.forEach(registry -> registerSinks(registry, batcher));
        return this;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        if (!registries.add(registry)) {
            return;
        }
        EventBatcher batcher = watched.get();
        if (batcher != null) {
            registerSinks(registry, batcher);
        }
    }

    /** The zero counters and the queue gauge of each sink of {@code batcher}. Registering twice is harmless. */
    private void registerSinks(MeterRegistry registry, EventBatcher batcher) {
        for (String sink : batcher.stats().keySet()) {
            for (String outcome : OUTCOMES) {
                registries.counter(registry, EVENTS, EVENTS_HELP, "events", events(sink, outcome, NONE));
            }
            for (DropReason reason : DropReason.values()) {
                registries.counter(registry, EVENTS, EVENTS_HELP, "events", events(sink, "dropped", tag(reason)));
            }
            registries.counter(registry, RETRIES, RETRIES_HELP, "events", registries.tags("sink", sink));
            Gauge.builder(QUEUE, batcher, b -> pending(b, sink)).description(QUEUE_HELP).baseUnit("events")
                    .tags(registries.tags("sink", sink)).register(registry);
        }
    }

    private static double pending(EventBatcher batcher, String sink) {
        SinkStats stats = batcher.stats().get(sink);
        return stats == null ? Double.NaN : stats.pending();
    }

    private Tags events(String sink, String outcome, String reason) {
        return registries.tags("sink", sink, "outcome", outcome, "reason", reason);
    }

    private static String tag(DropReason reason) {
        return reason.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public void onSent(String sink, int count) {
        registries.count(EVENTS, EVENTS_HELP, "events", events(sink, "sent", NONE), count);
    }

    @Override
    public void onRetry(String sink, int count, int attempt, Duration delay, String reason) {
        registries.count(RETRIES, RETRIES_HELP, "events", registries.tags("sink", sink), count);
    }

    @Override
    public void onDropped(String sink, Event event, DropReason reason) {
        registries.count(EVENTS, EVENTS_HELP, "events", events(sink, "dropped", tag(reason)), 1);
    }

    @Override
    public void onFailed(String sink, List<Event> events, String reason) {
        registries.count(EVENTS, EVENTS_HELP, "events", events(sink, "failed", NONE), events.size());
    }

    @Override
    public void onRejected(String sink, Event event, String reason) {
        registries.count(EVENTS, EVENTS_HELP, "events", events(sink, "rejected", NONE), 1);
    }

    @Override
    public String toString() {
        return "BatcherMetrics";
    }
}
