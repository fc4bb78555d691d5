package io.github.iskahomes.analytics.core;

import java.util.Locale;
import java.util.Optional;

/** Looks up the catalogue's enums by their wire name: the constant's name in lower case. */
final class WireNames {
    private WireNames() {
    }

    /** The lower-case wire name of a constant: {@code HOME} is {@code home}. */
    static String of(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }

    /**
     * The constant whose wire name is {@code name} in any case, if there is one. Lower-cased in the root locale, as
     * the contract always read these (not {@code equalsIgnoreCase}, which would also take U+0130 for i and U+017F
     * for s).
     */
    static <E extends Enum<E>> Optional<E> find(E[] constants, String name) {
        if (name == null) {
            return Optional.empty();
        }
        String lower = name.toLowerCase(Locale.ROOT);
        for (E constant : constants) {
            if (isWireName(constant.name(), lower)) {
                return Optional.of(constant);
            }
        }
        return Optional.empty();
    }

    /** Whether {@code lower} is the wire name of the constant named {@code name} (A-Z, 0-9, _), without a copy. */
    private static boolean isWireName(String name, String lower) {
        if (name.length() != lower.length()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if ((c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c) != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
