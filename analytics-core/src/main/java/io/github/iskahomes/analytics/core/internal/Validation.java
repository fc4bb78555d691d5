package io.github.iskahomes.analytics.core.internal;

import io.github.iskahomes.analytics.core.RejectionCategory;
import java.util.Objects;

/** The outcome of validating one event: accepted with its resolved form, or rejected with a reason. */
public sealed interface Validation {

    /** The event passed; {@link #event()} has its type, day and seeker resolved. */
    record Accepted(CheckedEvent event) implements Validation {
        public Accepted {
            Objects.requireNonNull(event, "event");
        }
    }

    /**
     * The event was refused; {@link #reason()} is a sentence a user can act on, such as "listing_id is missing", and
     * {@link #category()} the kind of problem, for counting rejections by kind.
     */
    record Rejected(String reason, RejectionCategory category) implements Validation {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(category, "category");
        }
    }
}
