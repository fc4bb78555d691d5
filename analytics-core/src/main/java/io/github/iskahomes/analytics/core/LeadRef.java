package io.github.iskahomes.analytics.core;

import java.util.Objects;

/** A lead: one seeker's interest in one listing. One row per lead in the {@code leads} table. */
public record LeadRef(String listingId, String seekerId) {
    public LeadRef {
        Objects.requireNonNull(listingId, "listingId");
        Objects.requireNonNull(seekerId, "seekerId");
    }
}
