package io.github.iskahomes.analytics.jdbc;

import java.util.Locale;

/**
 * The rule for free text bound to a {@code text} or {@code jsonb} column: PostgreSQL refuses U+0000 outright, and
 * the driver turns an unpaired UTF-16 surrogate into {@code ?}, so different texts would be stored as one. Such text
 * is refused before it reaches a statement, with a reason naming the field.
 */
final class PostgresText {
    private PostgresText() {
    }

    /**
     * Why {@code value} cannot be stored as {@code field}, or {@code null} when it can (a null value can).
     * For example {@code "buyer_name has the character U+0000 at position 4, which PostgreSQL cannot store"}.
     */
    static String problem(String field, String value) {
        if (value == null) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\u0000') {
                return field + " has the character U+0000 at position " + (i + 1) + ", which PostgreSQL cannot store";
            }
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return field + " has an unpaired UTF-16 surrogate (U+" + String.format(Locale.ROOT, "%04X", (int) c)
                        + ") at position " + (i + 1) + ", which PostgreSQL cannot store";
            }
        }
        return null;
    }
}
