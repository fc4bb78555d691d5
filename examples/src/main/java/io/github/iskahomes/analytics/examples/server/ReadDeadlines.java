package io.github.iskahomes.analytics.examples.server;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closes connections whose client takes longer than the read timeout to send a request. The JDK server reads headers
 * and bodies on its handler threads from blocking socket channels; interrupting a thread blocked in such a read closes
 * that connection's channel (it is an {@link java.nio.channels.InterruptibleChannel}), which is the only handle the
 * JDK server gives on a stalled client. The deadline covers reading only: while the request is processed (Redis,
 * PostgreSQL) it is paused, so a slow aggregation is never cut.
 */
final class ReadDeadlines implements AutoCloseable {
    private final long timeoutNanos;
    private final Set<Watch> active = ConcurrentHashMap.newKeySet();
    private final ThreadLocal<Watch> current = new ThreadLocal<>();
    private final ScheduledExecutorService timer;
    private final AtomicLong closed = new AtomicLong();

    ReadDeadlines(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "analytics-http-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        long period = Math.max(10, Math.min(1000, timeout.toMillis() / 4));
        timer.scheduleWithFixedDelay(this::expire, period, period, TimeUnit.MILLISECONDS);
    }

    /** {@code task} (one exchange, from its first byte) under a deadline. */
    Runnable watched(Runnable task) {
        return () -> {
            Watch watch = new Watch(Thread.currentThread(), System.nanoTime() + timeoutNanos);
            active.add(watch);
            current.set(watch);
            try {
                task.run();
            } finally {
                current.remove();
                active.remove(watch);
                watch.end();
            }
        };
    }

    /** The request has been read: no deadline while it is processed. False if it already expired. */
    boolean pause() {
        Watch watch = current.get();
        return watch == null || watch.pause();
    }

    /** Processing is over: answering and closing the exchange get a fresh deadline. */
    void resume() {
        Watch watch = current.get();
        if (watch != null) {
            watch.arm(System.nanoTime() + timeoutNanos);
        }
    }

    /** {@code body}, pausing the deadline once it has been read to its end. */
    InputStream track(InputStream body) {
        return new FilterInputStream(body) {
            @Override
            public int read() throws IOException {
                return ended(super.read());
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                return ended(super.read(buffer, offset, length));
            }

            private int ended(int n) throws IOException {
                if (n < 0 && !pause()) {
                    throw new IOException("the request body took longer than the read timeout");
                }
                return n;
            }
        };
    }

    /** How many connections were closed for being too slow. */
    long closedConnections() {
        return closed.get();
    }

    private void expire() {
        long now = System.nanoTime();
        for (Watch watch : active) {
            if (watch.expireIfDue(now)) {
                closed.incrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** One exchange's deadline; every transition is synchronized, so an interrupt never reaches the next exchange. */
    private static final class Watch {
        private final Thread thread;
        private long deadline;
        private boolean armed = true;
        private boolean expired;
        private boolean ended;

        Watch(Thread thread, long deadline) {
            this.thread = thread;
            this.deadline = deadline;
        }

        synchronized boolean pause() {
            armed = false;
            return !expired;
        }

        synchronized void arm(long newDeadline) {
            if (!expired && !ended) {
                armed = true;
                deadline = newDeadline;
            }
        }

        synchronized boolean expireIfDue(long now) {
            if (!armed || ended || now - deadline < 0) {
                return false;
            }
            armed = false;
            expired = true;
            thread.interrupt();
            return true;
        }

        /** On the exchange's own thread: clears an interrupt this watch may have sent. */
        synchronized void end() {
            ended = true;
            Thread.interrupted();
        }
    }
}
