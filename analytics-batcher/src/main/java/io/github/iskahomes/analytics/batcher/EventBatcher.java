package io.github.iskahomes.analytics.batcher;

import io.github.iskahomes.analytics.core.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers tracked events and delivers them in batches to one or more {@link Sink}s, like a browser analytics SDK's
 * batcher.
 *
 * <pre>{@code
 * try (EventBatcher batcher = EventBatcher.builder()
 *         .sink(HttpIngestSink.builder(URI.create("https://example.com/api/ingest/posthog")).build())
 *         .sink(PostHogSink.builder("phc_project_key").build())
 *         .build()) {
 *     batcher.track(Event.create("property_view", "seeker-456", Map.of("listing_id", "listing-123")));
 * }
 * }</pre>
 *
 * <p>{@link #track(Event)} never blocks and never throws for a full queue or a dead backend: it stamps the event with a
 * uuid and a timestamp (unless it has them), then offers it to every sink's bounded queue. Each sink has its own
 * sender thread, which sends when {@link BatcherConfig#flushAt()} events are queued, every
 * {@link BatcherConfig#flushInterval()}, on {@link #flush()} and on {@link #close()}. Failures that may pass are
 * retried with exponential backoff and jitter; what is wrong with an event itself (no JSON form, too large, rejected
 * by the backend) is never retried and never holds up the others; events are never reordered within a sink; every
 * event ends up sent, rejected (with the backend's reason), failed (with the reason) or dropped (with a
 * {@link DropReason}), each counted per sink in {@link #stats()} and reported to the {@link BatcherListener}.
 *
 * <p>Thread-safe. {@link #close()} stops every thread the batcher started; it is idempotent.
 */
public final class EventBatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventBatcher.class);

    private final BatcherConfig config;
    private final SinkWorker[] workers;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook;

    private EventBatcher(BatcherConfig config, List<Sink> sinks, BatcherListener listener) {
        this.config = config;
        this.workers = new SinkWorker[sinks.size()];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new SinkWorker(sinks.get(i), config, listener);
        }
        for (SinkWorker worker : workers) {
            worker.start();
        }
        if (config.shutdownHook()) {
            shutdownHook = new Thread(this::close, "analytics-batcher-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        } else {
            shutdownHook = null;
        }
        log.info("EventBatcher started with sinks {}", sinks.stream().map(Sink::name).toList());
    }

    /** A builder with {@link BatcherConfig#defaults()}, no sinks and no listener. */
    public static Builder builder() {
        return new Builder();
    }

    /** The configuration this batcher runs with. */
    public BatcherConfig config() {
        return config;
    }

    /**
     * Queues an event for every sink. Stamps a time-ordered uuid (UUIDv7) and the current time when the event has no
     * uuid or no timestamp, so that a retried batch is deduplicated by the server. Never blocks; never throws for a
     * full queue (the event is dropped by the {@link DropPolicy}, counted and reported) or after {@link #close()}
     * (dropped as {@link DropReason#BATCHER_CLOSED}).
     *
     * @return the event as queued, with its uuid and timestamp
     * @throws NullPointerException if {@code event} is null
     */
    public Event track(Event event) {
        Objects.requireNonNull(event, "event");
        if (event.uuid() == null || event.timestamp() == null) {
            Instant now = event.timestamp() == null ? Instant.now() : event.timestamp();
            String uuid = event.uuid() == null ? Uuids.v7(now.toEpochMilli()) : event.uuid();
            event = new Event(event.name(), event.distinctId(), now, uuid, event.properties());
        }
        if (closed.get()) {
            for (SinkWorker worker : workers) {
                worker.dropClosed(event);
            }
            return event;
        }
        for (SinkWorker worker : workers) {
            worker.offer(event);
        }
        return event;
    }

    /**
     * Queues a new event stamped now with a fresh uuid; see {@link #track(Event)}.
     *
     * @param name       the event name, for example {@code property_view}
     * @param distinctId who did it
     * @param properties the event's properties (copied)
     * @return the event as queued
     */
    public Event track(String name, String distinctId, Map<String, Object> properties) {
        long now = System.currentTimeMillis();
        Instant timestamp = Instant.ofEpochMilli(now);
        return track(new Event(name, distinctId, timestamp, Uuids.v7(now), properties));
    }

    /** Asks every sink to send what it has queued now, without waiting for it. Never blocks. */
    public void flush() {
        for (SinkWorker worker : workers) {
            worker.requestFlush();
        }
    }

    /**
     * Asks every sink to send what it has queued and waits until every event tracked before this call has been sent,
     * rejected, failed or dropped, or until the timeout passes.
     *
     * @return {@code true} if everything was handled in time
     * @throws InterruptedException if the calling thread is interrupted while waiting
     */
    public boolean flush(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long[] targets = new long[workers.length];
        for (int i = 0; i < workers.length; i++) {
            targets[i] = workers[i].enqueuedCount();
        }
        flush();
        boolean all = true;
        for (int i = 0; i < workers.length; i++) {
            all &= workers[i].awaitHandled(targets[i], deadline);
        }
        return all;
    }

    /** The counters of every sink, by sink name, in the order the sinks were added. Thread-safe, never blocks. */
    public Map<String, SinkStats> stats() {
        Map<String, SinkStats> stats = new LinkedHashMap<>();
        for (SinkWorker worker : workers) {
            stats.put(worker.name(), worker.stats());
        }
        return stats;
    }

    /**
     * Sends what is queued and stops: waits up to {@link BatcherConfig#closeTimeout()} for every sink to drain (the
     * sinks drain in parallel), then gives up on what is left, which is counted as dropped with
     * {@link DropReason#CLOSE_TIMEOUT} (a request in flight is interrupted), and closes the sinks. Returns within the
     * timeout: its last tenth (at most 200 ms) is kept for stopping the sender threads. Idempotent; events tracked
     * afterwards are dropped as {@link DropReason#BATCHER_CLOSED}.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // The JVM is exiting and our hook may be running; nothing to remove.
            }
        }
        long timeout = config.closeTimeout().toNanos();
        long deadline = System.nanoTime() + timeout;
        // The last tenth of the timeout (at most 200 ms) is kept for interrupting stragglers and letting them count
        // what they drop, so close() returns within its timeout.
        long drainDeadline = deadline - Math.min(TimeUnit.MILLISECONDS.toNanos(200), timeout / 10);
        for (SinkWorker worker : workers) {
            worker.beginClose();
        }
        boolean interrupted = false;
        try {
            for (SinkWorker worker : workers) {
                worker.join(drainDeadline);
            }
            List<String> late = new ArrayList<>();
            for (SinkWorker worker : workers) {
                if (worker.isAlive()) {
                    late.add(worker.name());
                    worker.abandon();
                }
            }
            if (!late.isEmpty()) {
                log.warn("EventBatcher close timed out after {} ms; sinks {} still had events, which are dropped",
                        config.closeTimeout().toMillis(), late);
                for (SinkWorker worker : workers) {
                    worker.join(deadline);
                }
            }
        } catch (InterruptedException e) {
            interrupted = true;
            for (SinkWorker worker : workers) {
                worker.abandon();
            }
        }
        Set<String> closedSinks = new HashSet<>();
        for (SinkWorker worker : workers) {
            if (!worker.isAlive()) {
                worker.dropLeftovers();
            }
            if (closedSinks.add(worker.name())) {
                try {
                    worker.sink().close();
                } catch (Exception e) {
                    log.warn("Closing sink '{}' failed", worker.name(), e);
                }
            }
        }
        log.info("EventBatcher closed: {}", stats().values());
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Builds an {@link EventBatcher}. Not thread-safe. */
    public static final class Builder {
        private BatcherConfig config = BatcherConfig.defaults();
        private final List<Sink> sinks = new ArrayList<>();
        private BatcherListener listener = new BatcherListener() {
        };

        private Builder() {
        }

        /** The buffering and retry settings (default {@link BatcherConfig#defaults()}). */
        public Builder config(BatcherConfig newConfig) {
            this.config = Objects.requireNonNull(newConfig, "config");
            return this;
        }

        /** Adds a sink; the batcher owns it and closes it on {@link EventBatcher#close()}. */
        public Builder sink(Sink sink) {
            sinks.add(Objects.requireNonNull(sink, "sink"));
            return this;
        }

        /** The listener told about sends, retries, drops and failures (default: none). */
        public Builder listener(BatcherListener newListener) {
            this.listener = Objects.requireNonNull(newListener, "listener");
            return this;
        }

        /**
         * Starts the batcher: one daemon sender thread per sink, named {@code analytics-batcher-<sink name>}.
         *
         * @throws IllegalStateException if there is no sink or two sinks share a name
         */
        public EventBatcher build() {
            if (sinks.isEmpty()) {
                throw new IllegalStateException("an EventBatcher needs at least one sink");
            }
            Set<String> names = new HashSet<>();
            for (Sink sink : sinks) {
                if (!names.add(Objects.requireNonNull(sink.name(), "sink name"))) {
                    throw new IllegalStateException("two sinks are named '" + sink.name()
                            + "'; give each a unique name");
                }
            }
            return new EventBatcher(config, List.copyOf(sinks), listener);
        }
    }
}
