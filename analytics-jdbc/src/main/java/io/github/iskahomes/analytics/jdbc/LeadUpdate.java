package io.github.iskahomes.analytics.jdbc;

/**
 * What a {@link Leads} change did: applied, or refused with a reason a user understands
 * ({@code "status \"won\" is not one of new, contacted, qualified, converted, lost"}).
 *
 * @param applied whether the lead changed
 * @param reason  why it did not, or null when applied
 */
public record LeadUpdate(boolean applied, String reason) {
    static final LeadUpdate APPLIED = new LeadUpdate(true, null);

    static LeadUpdate refused(String reason) {
        return new LeadUpdate(false, reason);
    }
}
