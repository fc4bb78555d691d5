package io.github.iskahomes.analytics.core;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** Who lists a property: one generic lister system ({@code lister_id} + {@code lister_type}). */
public enum ListerType {
    DEVELOPER, AGENT, AGENCY, PROPERTY_MANAGER;

    /** Computed once: every ingested view asks for its lister's type (the client profile showed the lower-casing). */
    private final String wireName = name().toLowerCase(Locale.ROOT);

    /** All wire names, for messages: {@code developer, agent, agency, property_manager}. */
    public static final String NAMES = Arrays.stream(values()).map(ListerType::wireName).collect(Collectors.joining(", "));

    /** The name used in events and in the {@code user_type} column, for example {@code property_manager}. */
    public String wireName() {
        return wireName;
    }

    /** The lister type with this wire name (case-insensitive), if there is one. */
    public static Optional<ListerType> fromWireName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        for (ListerType type : values()) {
            if (type.wireName().equalsIgnoreCase(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
