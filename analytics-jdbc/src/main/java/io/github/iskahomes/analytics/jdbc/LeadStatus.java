package io.github.iskahomes.analytics.jdbc;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** Where a lead stands, set by the host's users through {@link Leads#setStatus}. New leads start as {@link #NEW}. */
public enum LeadStatus {
    NEW, CONTACTED, QUALIFIED, CONVERTED, LOST;

    /** All names as stored, for messages: {@code new, contacted, qualified, converted, lost}. */
    public static final String NAMES = Arrays.stream(values()).map(LeadStatus::wireName)
            .collect(Collectors.joining(", "));

    /** The name stored in {@code leads.status}, for example {@code contacted}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status with this stored name (case-insensitive), if there is one. */
    public static Optional<LeadStatus> fromWireName(String name) {
        return Arrays.stream(values()).filter(s -> s.wireName().equalsIgnoreCase(name)).findFirst();
    }
}
