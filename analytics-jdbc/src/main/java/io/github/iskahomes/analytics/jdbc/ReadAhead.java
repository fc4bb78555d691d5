package io.github.iskahomes.analytics.jdbc;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import io.github.iskahomes.analytics.core.AnalyticsException;

/**
 * Reads the next chunk from Redis while the caller writes the current one to PostgreSQL, so a run takes about
 * max(read, write) instead of read + write. The reading happens on a short-lived thread that ends with the read (or
 * is interrupted when the writer fails); the writing stays on the caller's thread, which owns the transaction. At most
 * three chunks exist at once: one being read, one queued, one being written.
 */
final class ReadAhead {
    private static final Object END = new Object();

    private ReadAhead() {
    }

    private record Failure(Throwable error) {
    }

    /** Thrown inside the reading thread to stop its source when the writer has gone away. */
    private static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped(InterruptedException cause) {
            super("read-ahead stopped", cause, false, false);
        }
    }

    /**
     * Runs {@code source} on a reading thread, handing each chunk it produces to {@code sink} on this thread, one
     * queued at most; returns when the source is done and every chunk written, and rethrows what either threw.
     */
    @SuppressWarnings("unchecked")
    static <T> void run(String what, Consumer<Consumer<T>> source, Consumer<T> sink) {
        BlockingQueue<Object> queue = new ArrayBlockingQueue<>(1);
        AtomicBoolean abandoned = new AtomicBoolean();
        Thread thread = new Thread(() -> {
            Object last = END;
            try {
                source.accept(chunk -> put(queue, chunk, abandoned));
            } catch (Stopped stopped) {
                return;
            } catch (Throwable t) {
                last = new Failure(t);
            }
            try {
                put(queue, last, abandoned);
            } catch (Stopped ignored) {
                // the writer is gone and does not need the end marker
            }
        }, "analytics-aggregator-read");
        thread.setDaemon(true);
        thread.start();
        boolean finished = false;
        try {
            while (true) {
                Object item = queue.take();
                if (item == END) {
                    finished = true;
                    return;
                }
                if (item instanceof Failure failure) {
                    finished = true;
                    if (failure.error() instanceof RuntimeException e) {
                        throw e;
                    }
                    if (failure.error() instanceof Error e) {
                        throw e;
                    }
                    throw new AnalyticsException("reading " + what + " failed", failure.error());
                }
                sink.accept((T) item);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AnalyticsException("interrupted while aggregating " + what, e);
        } finally {
            if (!finished) {
                abandoned.set(true);
                thread.interrupt();
            }
            try {
                thread.join(finished ? 0 : 10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Hands a chunk over; gives up once the writer has abandoned the read (never blocks forever). */
    private static void put(BlockingQueue<Object> queue, Object chunk, AtomicBoolean abandoned) {
        try {
            while (!queue.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
                if (abandoned.get()) {
                    throw new Stopped(null);
                }
            }
        } catch (InterruptedException e) {
            throw new Stopped(e);
        }
    }
}
