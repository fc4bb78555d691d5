package io.github.iskahomes.analytics.core;

import java.util.Locale;
import java.util.Optional;

/**
 * Where a development was viewed from, the {@code viewed_from} property of {@code development_view}. The contract
 * counts development views per source ({@code views_from_home} …); a view with no source or another one counts in
 * the total only.
 */
public enum DevelopmentSource {
    HOME, LISTINGS, SEARCH;

    /** The name used in events: {@code home}, {@code listings}, {@code search}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The source with this wire name, in any case ({@code Home} is {@code home}), if there is one. */
    public static Optional<DevelopmentSource> fromWireName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        // Lower-cased in the root locale, as the contract always read it (not equalsIgnoreCase, which also
        // matches U+0130 and U+017F to i and s).
        String lower = name.toLowerCase(Locale.ROOT);
        for (DevelopmentSource source : values()) {
            if (source.wireName().equals(lower)) {
                return Optional.of(source);
            }
        }
        return Optional.empty();
    }
}
