package io.github.iskahomes.analytics.core.internal;

import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * Everything one accepted event changes, on one day. Executed at most once per {@link #uuid()}.
 *
 * @param uuid      the event's uuid, the deduplication key
 * @param day       the business day the event belongs to
 * @param mutations the changes, in a stable order
 */
public record MutationPlan(String uuid, LocalDate day, List<Mutation> mutations) {
    public MutationPlan {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(day, "day");
        mutations = List.copyOf(mutations);
    }
}
