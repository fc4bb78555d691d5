package io.github.iskahomes.analytics.batcher;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link Sink} says about one attempt to deliver a batch: delivered (perhaps with some events rejected one by
 * one), worth retrying, refused for good, or too large to be taken in one piece.
 */
public sealed interface SendResult {

    /** The batch was delivered. */
    static SendResult delivered() {
        return Delivered.ALL;
    }

    /**
     * The batch was delivered, but the backend refused some of its events one by one (an ingestor's
     * {@code rejected[]}: invalid data). They are counted as rejected, reported to
     * {@link BatcherListener#onRejected} with their reason, and not sent again; the others are counted as sent.
     *
     * @param rejected the refused events, by position in the batch
     */
    static SendResult delivered(List<Rejection> rejected) {
        return rejected.isEmpty() ? Delivered.ALL : new Delivered(rejected);
    }

    /**
     * The attempt failed for a reason that may pass (a connection error, a timeout, 429, 5xx).
     *
     * @param reason     what happened, for the listener and the logs
     * @param retryAfter how long the backend asked to wait ({@code Retry-After}), or {@code null} to use the backoff
     */
    static SendResult retryable(String reason, Duration retryAfter) {
        return new Retryable(reason, retryAfter);
    }

    /**
     * The backend refused the whole batch (a 4xx answer); retrying would not help. Its events are counted as failed.
     */
    static SendResult rejected(String reason) {
        return new Rejected(reason);
    }

    /**
     * The backend refused the batch for its size (an HTTP 413). The batcher sends each half of it on its own, and so
     * on down to single events; a single event refused for its size fails with this reason.
     */
    static SendResult tooLarge(String reason) {
        return new TooLarge(reason);
    }

    /**
     * The batch was delivered; the events in {@code rejected} were refused one by one and the rest were accepted.
     *
     * @param rejected the refused events, by position in the batch; empty when all were accepted
     */
    record Delivered(List<Rejection> rejected) implements SendResult {
        static final Delivered ALL = new Delivered(List.of());

        /** @throws NullPointerException if {@code rejected} is null */
        public Delivered {
            rejected = List.copyOf(rejected);
        }
    }

    /**
     * One event of a delivered batch that the backend refused on its own.
     *
     * @param index  the event's position in the batch, from 0
     * @param reason why, as the backend said it ({@code "listing_id is missing"})
     */
    record Rejection(int index, String reason) {
        /**
         * @throws NullPointerException     if {@code reason} is null
         * @throws IllegalArgumentException if {@code index} is negative
         */
        public Rejection {
            Objects.requireNonNull(reason, "reason");
            if (index < 0) {
                throw new IllegalArgumentException("index must not be negative, was " + index);
            }
        }
    }

    /**
     * A failure that may pass.
     *
     * @param reason     what happened
     * @param retryAfter how long the backend asked to wait, or {@code null}
     */
    record Retryable(String reason, Duration retryAfter) implements SendResult {
        /** @throws NullPointerException if {@code reason} is null */
        public Retryable {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * A refusal; the batch's events are reported as failed with this reason.
     *
     * @param reason the backend's reason, as it gave it
     */
    record Rejected(String reason) implements SendResult {
        /** @throws NullPointerException if {@code reason} is null */
        public Rejected {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * A refusal for size; see {@link #tooLarge(String)}.
     *
     * @param reason the backend's reason, as it gave it
     */
    record TooLarge(String reason) implements SendResult {
        /** @throws NullPointerException if {@code reason} is null */
        public TooLarge {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
