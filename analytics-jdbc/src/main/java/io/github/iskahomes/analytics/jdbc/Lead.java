package io.github.iskahomes.analytics.jdbc;

import java.time.Instant;
import java.util.List;

import io.github.iskahomes.analytics.core.LeadRef;

/**
 * One row of {@code leads}: a seeker's interest in a listing.
 *
 * @param lead            listing and seeker
 * @param listerId        the listing's lister, or null when events did not name one
 * @param listerType      the lister's type, or null
 * @param developmentId   the listing's development, or null
 * @param totalActions    every action the seeker took on the listing (including actions Redis trimmed)
 * @param firstActionAt   the first stored action, or null
 * @param lastActionAt    the last stored action, or null
 * @param lastActionType  the type of the last stored action ({@code phone}, {@code message}, …), or null
 * @param status          the status the host's users set
 * @param notes           the notes the host's users added, oldest first
 * @param createdAt       when the lead row was created
 * @param updatedAt       when the lead row last changed
 */
public record Lead(LeadRef lead, String listerId, String listerType, String developmentId, long totalActions,
                   Instant firstActionAt, Instant lastActionAt, String lastActionType, LeadStatus status,
                   List<String> notes, Instant createdAt, Instant updatedAt) {
    public Lead {
        notes = List.copyOf(notes);
    }
}
