package io.github.iskahomes.analytics.autoconfigure.dashboard;

import java.util.Objects;

/**
 * Who calls the dashboard: an admin, who sees every listing, lister, development and lead, or one lister, who sees
 * only their own (the listings and developments whose events name them as lister or developer, and their leads).
 *
 * @param name     how the pages greet the caller (a user name, or the lister id)
 * @param listerId the lister the caller is, or {@code null} for an admin
 */
public record DashboardCaller(String name, String listerId) {
    public DashboardCaller {
        Objects.requireNonNull(name, "name");
    }

    /** An admin. */
    public static DashboardCaller admin(String name) {
        return new DashboardCaller(name, null);
    }

    /** The lister {@code listerId}. */
    public static DashboardCaller lister(String listerId) {
        return new DashboardCaller(Objects.requireNonNull(listerId, "listerId"), listerId);
    }

    /** Whether the caller sees everything. */
    public boolean admin() {
        return listerId == null;
    }

    /** Whether the caller may see what belongs to {@code owner} (an admin may see anything). */
    public boolean owns(String owner) {
        return admin() || listerId.equals(owner);
    }
}
