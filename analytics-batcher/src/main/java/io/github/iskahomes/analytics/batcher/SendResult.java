package io.github.iskahomes.analytics.batcher;

import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link Sink} says about one attempt to deliver a batch: delivered, worth retrying, or refused for good.
 */
public sealed interface SendResult {

    /** The batch was delivered. */
    static SendResult delivered() {
        return Delivered.INSTANCE;
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

    /** The backend refused the batch (a 4xx answer); retrying would not help. */
    static SendResult rejected(String reason) {
        return new Rejected(reason);
    }

    /** The batch was delivered. */
    record Delivered() implements SendResult {
        static final Delivered INSTANCE = new Delivered();
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
}
