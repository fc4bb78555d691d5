package io.github.iskahomes.analytics.core;

import java.util.Optional;

/**
 * Where a listing was viewed from, the {@code viewed_from} property of {@code property_view} and
 * {@code listing_impression}. The contract counts listing views per source ({@code views_from_home} …); a view with
 * no source or another one counts as {@link #DIRECT}.
 */
public enum ListingSource {
    HOME, EXPLORE, SEARCH, DIRECT;

    /** The constants, once: {@code values()} copies its array on every call. */
    private static final ListingSource[] VALUES = values();
    private final String wireName = WireNames.of(this);

    /** The name used in events: {@code home}, {@code explore}, {@code search}, {@code direct}. */
    public String wireName() {
        return wireName;
    }

    /** The source with this wire name, in any case ({@code Home} is {@code home}), if there is one. */
    public static Optional<ListingSource> fromWireName(String name) {
        return WireNames.find(VALUES, name);
    }
}
