package io.github.iskahomes.analytics.batcher;

import io.github.iskahomes.analytics.core.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sink's bounded queue and sender thread. {@link #offer} is lock-free (a CAS on the size, a CAS on the queue's
 * tail) so tracking threads never wait for each other or for the sender; the sender parks until a batch is full, the
 * interval passes, a flush is asked for, or the batcher closes.
 *
 * <p>For an {@link HttpIngestSink} with {@code maxInFlight} above 1, the sender thread packs requests and hands each,
 * in order, to one of {@code maxInFlight} request threads ({@code analytics-batcher-<sink>-send}), waiting for a free
 * one when all are busy; each request thread sends, retries, halves and counts its request exactly as the sender
 * thread does for every other sink. A request waiting for its retry holds its slot, so a dead backend still fills
 * the queue and never more than {@code maxInFlight} requests are held in memory.
 */
final class SinkWorker implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(EventBatcher.class);
    /** Retry-After values above this are treated as this, so a confused server cannot park a sink for hours. */
    private static final long MAX_RETRY_AFTER_NANOS = TimeUnit.MINUTES.toNanos(5);

    private final Sink sink;
    /** For the library's HTTP sinks: encodes each event once and packs requests by bytes; {@code null} otherwise. */
    private final HttpPoster poster;
    private final String name;
    private final BatcherConfig config;
    private final BatcherListener listener;
    private final ConcurrentLinkedQueue<Event> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final LongAdder enqueued = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final Object progress = new Object();
    private final Thread thread;
    /** The request threads, or {@code null} when the sender thread sends itself (one request in flight). */
    private final ExecutorService senders;
    /** One permit per request that may be in flight; only used with {@link #senders}. */
    private final Semaphore slots;
    private final int maxInFlight;
    /** The requests handed to request threads and not yet answered, for a close that gives up. */
    private final Set<InFlight> inFlight = ConcurrentHashMap.newKeySet();
    /** The request a request thread is sending, so its counting can be taken over by such a close. */
    private static final ThreadLocal<InFlight> CURRENT = new ThreadLocal<>();

    private volatile boolean flushWanted;
    private volatile boolean closing;
    private volatile boolean abandoned;
    private volatile boolean exited;
    private volatile long droppedLogged;
    private final AtomicBoolean splitLogged = new AtomicBoolean();

    SinkWorker(Sink sink, BatcherConfig config, BatcherListener listener) {
        this.sink = sink;
        this.poster = HttpPoster.of(sink);
        this.name = sink.name();
        this.config = config;
        this.listener = listener;
        this.thread = new Thread(this, "analytics-batcher-" + name);
        this.thread.setDaemon(true);
        this.maxInFlight = poster == null ? 1 : poster.maxInFlight();
        this.slots = new Semaphore(maxInFlight);
        this.senders = maxInFlight == 1 ? null : Executors.newFixedThreadPool(maxInFlight, runnable -> {
            Thread sender = new Thread(runnable, "analytics-batcher-" + name + "-send");
            sender.setDaemon(true);
            return sender;
        });
    }

    String name() {
        return name;
    }

    Sink sink() {
        return sink;
    }

    void start() {
        thread.start();
    }

    /** Queues an event, or drops one by the policy when the queue is full. Never blocks, never throws. */
    void offer(Event event) {
        enqueued.increment();
        if (closing && exited) {
            drop(event, DropReason.BATCHER_CLOSED);
            return;
        }
        // A full queue under DROP_NEWEST is refused on a plain read, so an outage adds no contended writes.
        if (config.dropPolicy() == DropPolicy.DROP_NEWEST && size.get() >= config.maxQueueSize()) {
            drop(event, DropReason.QUEUE_FULL);
            return;
        }
        int n = size.incrementAndGet();
        if (n > config.maxQueueSize()) {
            if (config.dropPolicy() == DropPolicy.DROP_NEWEST) {
                size.decrementAndGet();
                drop(event, DropReason.QUEUE_FULL);
                return;
            }
            Event oldest = queue.poll();
            if (oldest != null) {
                size.decrementAndGet();
                drop(oldest, DropReason.QUEUE_FULL);
            }
        }
        queue.offer(event);
        if (n == config.flushAt()) {
            LockSupport.unpark(thread);
        }
    }

    /** Counts an event tracked after close began. */
    void dropClosed(Event event) {
        enqueued.increment();
        drop(event, DropReason.BATCHER_CLOSED);
    }

    void requestFlush() {
        flushWanted = true;
        LockSupport.unpark(thread);
    }

    /** Events handed to this sink so far; a later {@link #handled()} at least this large means all were handled. */
    long enqueuedCount() {
        return enqueued.sum();
    }

    long handled() {
        return sent.get() + rejected.get() + failed.get() + dropped.sum();
    }

    /** Waits until {@link #handled()} reaches {@code target} or the deadline passes. */
    boolean awaitHandled(long target, long deadlineNanos) throws InterruptedException {
        synchronized (progress) {
            while (handled() < target) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                // Bounded wait: drops on tracking threads do not notify.
                TimeUnit.NANOSECONDS.timedWait(progress, Math.min(left, TimeUnit.MILLISECONDS.toNanos(10)));
            }
            return true;
        }
    }

    void beginClose() {
        closing = true;
        LockSupport.unpark(thread);
    }

    /** Stops waiting for the backend: what is queued or in flight is dropped as {@link DropReason#CLOSE_TIMEOUT}. */
    void abandon() {
        abandoned = true;
        thread.interrupt();
        if (senders != null) {
            // Every request handed to a request thread is settled here, at once and exactly: what its thread has not
            // counted yet is dropped now, and the thread, interrupted below, counts nothing more. So close() returns
            // with final counts however slowly the interrupted threads wind down.
            for (InFlight request : inFlight) {
                request.claimRest();
            }
            for (Runnable notStarted : senders.shutdownNow()) {
                // Never ran, so never frees its slot itself (its events were settled above).
                if (notStarted instanceof InFlight) {
                    slots.release();
                }
            }
            notifyProgress();
        }
    }

    void join(long deadlineNanos) throws InterruptedException {
        long left = deadlineNanos - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.timedJoin(thread, left);
        }
    }

    boolean isAlive() {
        return thread.isAlive();
    }

    /** Counts anything that raced into the queue after the sender exited. */
    void dropLeftovers() {
        Event event;
        while ((event = queue.poll()) != null) {
            size.decrementAndGet();
            drop(event, DropReason.BATCHER_CLOSED);
        }
    }

    SinkStats stats() {
        long sentNow = sent.get();
        long rejectedNow = rejected.get();
        long failedNow = failed.get();
        long droppedNow = dropped.sum();
        long enqueuedNow = enqueued.sum();
        return new SinkStats(name, enqueuedNow, sentNow, retried.get(), droppedNow, failedNow, rejectedNow,
                Math.max(0, enqueuedNow - sentNow - rejectedNow - failedNow - droppedNow));
    }

    @Override
    public void run() {
        long intervalNanos = config.flushInterval().toNanos();
        long nextFlush = System.nanoTime() + intervalNanos;
        boolean flushing = false;
        try {
            while (!abandoned) {
                if (flushWanted) {
                    flushWanted = false;
                    flushing = true;
                }
                int queued = size.get();
                long now = System.nanoTime();
                boolean due = now - nextFlush >= 0;
                if (queued >= config.flushAt() || (queued > 0 && (due || flushing || closing))) {
                    deliver(drainBatch());
                    if (due) {
                        nextFlush = System.nanoTime() + intervalNanos;
                    }
                    continue;
                }
                if (queued == 0) {
                    flushing = false;
                    if (closing) {
                        break;
                    }
                }
                if (due) {
                    nextFlush = now + intervalNanos;
                }
                LockSupport.parkNanos(this, nextFlush - System.nanoTime());
            }
            awaitInFlight();
            if (abandoned) {
                Event event;
                while ((event = queue.poll()) != null) {
                    size.decrementAndGet();
                    drop(event, DropReason.CLOSE_TIMEOUT);
                }
            }
        } catch (Throwable t) {
            log.error("The sender thread of sink '{}' stopped unexpectedly", name, t);
            throw t;
        } finally {
            if (senders != null) {
                senders.shutdownNow();
                awaitSendersStopped();
            }
            exited = true;
            notifyProgress();
        }
    }

    /** Idle request threads stop at once when shut down; waiting briefly lets close() leave no thread behind. */
    private void awaitSendersStopped() {
        try {
            senders.awaitTermination(abandoned ? 50 : 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits until every request handed to a request thread is answered (delivered, failed or, once the close gave up,
     * dropped), so the sender thread ends, and close returns, only when this sink's counts are final.
     */
    private void awaitInFlight() {
        if (senders == null) {
            return;
        }
        while (!abandoned) {
            try {
                slots.acquire(maxInFlight);
                slots.release(maxInFlight);
                return;
            } catch (InterruptedException e) {
                // Only abandon() interrupts the sender thread, and it has settled every request in flight.
            }
        }
    }

    private List<Event> drainBatch() {
        int limit = config.flushAt();
        List<Event> batch = new ArrayList<>(Math.min(limit, Math.max(size.get(), 1)));
        Event event;
        while (batch.size() < limit && (event = queue.poll()) != null) {
            batch.add(event);
        }
        size.addAndGet(-batch.size());
        return batch;
    }

    private void deliver(List<Event> batch) {
        if (batch.isEmpty()) {
            return;
        }
        if (poster == null) {
            send(Request.of(batch));
            return;
        }
        // What cannot be encoded, or is too large for any request, fails here, before anything is sent: it would fail
        // the same way on every attempt, and it must not hold up the events around it.
        for (Request request : poster.pack(batch, (event, reason) -> fail(List.of(event), reason))) {
            dispatch(request);
        }
    }

    /** Sends a request on this thread, or hands it to a free request thread when several may be in flight. */
    private void dispatch(Request request) {
        if (senders == null) {
            send(request);
            return;
        }
        if (!acquireSlot()) {
            dropAll(request.events(), DropReason.CLOSE_TIMEOUT);
            return;
        }
        InFlight handed = new InFlight(request);
        inFlight.add(handed);
        if (abandoned) {
            // abandon() may have passed the set before this request joined it.
            handed.claimRest();
            inFlight.remove(handed);
            slots.release();
            return;
        }
        try {
            senders.execute(handed);
        } catch (RejectedExecutionException closedMeanwhile) {
            handed.claimRest();
            inFlight.remove(handed);
            slots.release();
        }
    }

    /** Waits for a free request thread; false once the close gave up on this sink. */
    private boolean acquireSlot() {
        while (!abandoned) {
            try {
                slots.acquire();
                if (!abandoned) {
                    return true;
                }
                slots.release();
                return false;
            } catch (InterruptedException e) {
                // Only abandon() interrupts the sender thread; the loop condition sees it.
            }
        }
        return false;
    }

    /**
     * One request handed to a request thread; it frees its slot when answered, whatever the answer. Its events are
     * counted in order (a 413 sends the first half, then the second), so what is counted is always a prefix of them;
     * {@link #claimRest()} lets a giving-up close count the rest as dropped exactly once.
     */
    private final class InFlight implements Runnable {
        private final Request request;
        /** How many of the request's events are counted; guarded by this. */
        private int counted;
        /** Whether a close that gave up took over the counting; guarded by this. */
        private boolean claimed;

        InFlight(Request request) {
            this.request = request;
        }

        @Override
        public void run() {
            CURRENT.set(this);
            try {
                send(request);
            } catch (Throwable t) {
                log.error("A request thread of sink '{}' stopped unexpectedly", name, t);
                throw t;
            } finally {
                CURRENT.remove();
                inFlight.remove(this);
                slots.release();
            }
        }

        /** Counts {@code events} (the next ones of the request) by {@code count}, unless a close took over. */
        synchronized boolean settle(List<Event> events, Runnable count) {
            if (claimed) {
                return false;
            }
            count.run();
            counted += events.size();
            return true;
        }

        /** Takes over the counting: the events not counted yet are dropped as {@link DropReason#CLOSE_TIMEOUT}. */
        void claimRest() {
            List<Event> rest;
            synchronized (this) {
                if (claimed) {
                    return;
                }
                claimed = true;
                List<Event> events = request.events();
                rest = events.subList(Math.min(counted, events.size()), events.size());
                dropped.add(rest.size());
            }
            for (Event event : rest) {
                reportDrop(event, DropReason.CLOSE_TIMEOUT);
            }
        }
    }

    /**
     * Applies {@code count} for {@code events} of the request this thread is sending: at once on the sender thread;
     * on a request thread only while a close has not taken over its request ({@link InFlight#claimRest()}), so no
     * event is counted twice.
     */
    private boolean settle(List<Event> events, Runnable count) {
        InFlight current = CURRENT.get();
        if (current == null) {
            count.run();
            return true;
        }
        return current.settle(events, count);
    }

    /** Sends one request until it is delivered, refused or out of attempts; a request too large is sent in halves. */
    private void send(Request request) {
        List<Event> events = request.events();
        for (int attempt = 1; ; attempt++) {
            if (abandoned) {
                dropAll(events, DropReason.CLOSE_TIMEOUT);
                return;
            }
            SendResult result;
            try {
                result = poster != null ? poster.post(request) : sink.send(events);
            } catch (InterruptedException e) {
                if (abandoned) {
                    dropAll(events, DropReason.CLOSE_TIMEOUT);
                    return;
                }
                result = SendResult.retryable("interrupted", null);
            } catch (Exception e) {
                result = SendResult.retryable(describe(e), null);
            }
            Thread.interrupted();
            if (result instanceof SendResult.Delivered delivered) {
                accept(events, delivered.rejected());
                return;
            }
            if (result instanceof SendResult.Rejected refused) {
                fail(events, refused.reason());
                return;
            }
            if (result instanceof SendResult.TooLarge tooLarge) {
                split(request, tooLarge.reason());
                return;
            }
            SendResult.Retryable retry = (SendResult.Retryable) result;
            if (attempt >= config.maxAttempts()) {
                fail(events, "gave up after " + attempt + " attempts; last error: " + retry.reason());
                return;
            }
            long delayNanos = backoffNanos(attempt, retry.retryAfter());
            retried.addAndGet(events.size());
            int failedAttempt = attempt;
            log.debug("Sink '{}' will retry {} events in {} ms after attempt {}: {}", name, events.size(),
                    TimeUnit.NANOSECONDS.toMillis(delayNanos), attempt, retry.reason());
            notifyListener(() -> listener.onRetry(name, events.size(), failedAttempt, Duration.ofNanos(delayNanos),
                    retry.reason()));
            sleep(delayNanos);
        }
    }

    /**
     * A request the backend refused for its size: each half goes on its own, at once (the size will not change by
     * waiting), down to single events, which fail with the backend's reason.
     */
    private void split(Request request, String reason) {
        if (request.size() == 1) {
            fail(request.events(), reason);
            return;
        }
        if (splitLogged.compareAndSet(false, true)) {
            log.warn("Sink '{}': the backend refused {} events as too large ({}); sending them in halves. Set the"
                    + " sink's maxRequestBytes below the backend's limit.", name, request.size(), reason);
        } else {
            log.debug("Sink '{}': the backend refused {} events as too large; sending them in halves", name,
                    request.size());
        }
        for (Request half : request.halves()) {
            send(half);
        }
    }

    /** Counts a delivered request: its events are sent, except those the backend rejected one by one. */
    private void accept(List<Event> events, List<SendResult.Rejection> rejections) {
        List<SendResult.Rejection> refused = new ArrayList<>(rejections.size());
        BitSet seen = new BitSet(events.size());
        for (SendResult.Rejection rejection : rejections) {
            if (rejection.index() < events.size() && !seen.get(rejection.index())) {
                seen.set(rejection.index());
                refused.add(rejection);
            } else {
                log.warn("Sink '{}' reported a rejection of event {} in a request of {}; ignoring it", name,
                        rejection.index(), events.size());
            }
        }
        int accepted = events.size() - refused.size();
        if (!settle(events, () -> {
            rejected.addAndGet(refused.size());
            sent.addAndGet(accepted);
        })) {
            return;
        }
        log.debug("Sink '{}' delivered {} events", name, accepted);
        if (!refused.isEmpty()) {
            log.warn("Sink '{}': the backend rejected {} of {} events; the first because {}", name, refused.size(),
                    events.size(), refused.get(0).reason());
            for (SendResult.Rejection rejection : refused) {
                notifyListener(() -> listener.onRejected(name, events.get(rejection.index()), rejection.reason()));
            }
        }
        if (accepted > 0) {
            notifyListener(() -> listener.onSent(name, accepted));
        }
        notifyProgress();
    }

    private long backoffNanos(int attempt, Duration retryAfter) {
        if (retryAfter != null && !retryAfter.isNegative()) {
            return Math.min(retryAfter.toNanos(), MAX_RETRY_AFTER_NANOS);
        }
        long base = config.backoffBase().toNanos();
        long max = config.backoffMax().toNanos();
        long ceiling = attempt >= 62 ? max : Math.min(max, base << Math.min(attempt - 1, 40));
        if (ceiling <= 0) {
            ceiling = max;
        }
        // "Equal jitter": half fixed so retries are spaced out, half random so many clients do not retry in step.
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }

    private void sleep(long nanos) {
        long until = System.nanoTime() + nanos;
        long left;
        while (!abandoned && (left = until - System.nanoTime()) > 0) {
            LockSupport.parkNanos(this, left);
        }
        Thread.interrupted();
    }

    private void fail(List<Event> batch, String reason) {
        if (!settle(batch, () -> failed.addAndGet(batch.size()))) {
            return;
        }
        log.warn("Sink '{}' failed to deliver {} events: {}", name, batch.size(), reason);
        notifyListener(() -> listener.onFailed(name, batch, reason));
        notifyProgress();
    }

    private void dropAll(List<Event> batch, DropReason reason) {
        if (!settle(batch, () -> dropped.add(batch.size()))) {
            return;
        }
        for (Event event : batch) {
            reportDrop(event, reason);
        }
        notifyProgress();
    }

    private void drop(Event event, DropReason reason) {
        dropped.increment();
        reportDrop(event, reason);
    }

    /** Logs (the first drop, then one line per 10,000) and tells the listener of a drop already counted. */
    private void reportDrop(Event event, DropReason reason) {
        long total = dropped.sum();
        // Log the first drop, then one line per 10,000, so an outage is visible without flooding the log.
        if (total == 1 || total - droppedLogged >= 10_000) {
            droppedLogged = total;
            log.warn("Sink '{}' dropped an event ({}); {} dropped so far", name, reason, total);
        }
        notifyListener(() -> listener.onDropped(name, event, reason));
    }

    private void notifyProgress() {
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    private void notifyListener(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("A BatcherListener threw; ignoring it", e);
        }
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getName() : e.getClass().getSimpleName() + ": " + message;
    }
}
