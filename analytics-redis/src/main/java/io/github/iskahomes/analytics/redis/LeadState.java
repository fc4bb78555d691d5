package io.github.iskahomes.analytics.redis;

import io.github.iskahomes.analytics.core.LeadAction;
import io.github.iskahomes.analytics.core.LeadRef;
import java.time.LocalDate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One lead active on a day, as Redis holds it.
 *
 * @param lead         the (listing, seeker) pair
 * @param day          the day it was active on
 * @param metadata     its descriptive fields (lister_id, lister_type, development_id), last write wins
 * @param actions      the newest actions still in the capped list, oldest first (any day, not only {@code day})
 * @param actionsOnDay how many actions were appended on {@code day}, including any trimmed from the list
 */
public record LeadState(LeadRef lead, LocalDate day, Map<String, String> metadata, List<LeadAction> actions,
                        long actionsOnDay) {
    public LeadState {
        Objects.requireNonNull(lead, "lead");
        Objects.requireNonNull(day, "day");
        // The reader's FieldMap is immutable already.
        metadata = metadata instanceof FieldMap ? metadata
                : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        actions = List.copyOf(actions);
    }
}
