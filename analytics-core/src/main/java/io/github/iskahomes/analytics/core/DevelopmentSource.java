package io.github.iskahomes.analytics.core;

import java.util.Optional;

/**
 * Where a development was viewed from, the {@code viewed_from} property of {@code development_view}. The contract
 * counts development views per source ({@code views_from_home} …); a view with no source or another one counts in
 * the total only.
 */
public enum DevelopmentSource {
    HOME, LISTINGS, SEARCH;

    /** The constants, once: {@code values()} copies its array on every call. */
    private static final DevelopmentSource[] VALUES = values();
    private final String wireName = WireNames.of(this);

    /** The name used in events: {@code home}, {@code listings}, {@code search}. */
    public String wireName() {
        return wireName;
    }

    /** The source with this wire name, in any case ({@code Home} is {@code home}), if there is one. */
    public static Optional<DevelopmentSource> fromWireName(String name) {
        return WireNames.find(VALUES, name);
    }
}
