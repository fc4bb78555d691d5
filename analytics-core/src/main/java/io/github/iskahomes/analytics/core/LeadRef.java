package io.github.iskahomes.analytics.core;

import java.util.Objects;

/** A lead: one seeker's interest in one listing. One row per lead in the {@code leads} table. */
public record LeadRef(String listingId, String seekerId) {
    public LeadRef {
        Objects.requireNonNull(listingId, "listingId");
        Objects.requireNonNull(seekerId, "seekerId");
    }

    /** The lead as one index entry: {@code "<listing_id> <seeker_id>"} (ids never contain whitespace). */
    public String indexMember() {
        return listingId + ' ' + seekerId;
    }

    /** The lead an index entry names. */
    public static LeadRef fromIndexMember(String member) {
        int space = member.indexOf(' ');
        if (space <= 0 || space == member.length() - 1) {
            throw new IllegalArgumentException("\"" + member + "\" is not a lead index entry");
        }
        return new LeadRef(member.substring(0, space), member.substring(space + 1));
    }
}
