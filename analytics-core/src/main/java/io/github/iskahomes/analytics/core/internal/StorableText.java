package io.github.iskahomes.analytics.core.internal;

import java.util.Locale;

/**
 * The rule for text that ends up in Redis and PostgreSQL columns (a lead's {@code context}, notes, names): no U+0000,
 * which PostgreSQL refuses in {@code text} and {@code jsonb} (so a row holding one could never be written, and would
 * fail every aggregator run that reaches it), and no unpaired UTF-16 surrogate, which UTF-8 cannot encode (Lettuce and
 * the PostgreSQL driver would both write it as {@code '?'}, silently changing the text). Everything else, emoji (paired
 * surrogates), tabs and newlines included, is storable.
 */
public final class StorableText {

    private StorableText() {
    }

    /**
     * Why {@code value} cannot be stored as the text of {@code property}, or {@code null} when it can (also for
     * {@code null}). For example {@code "context has a NUL character (U+0000) at position 8, which PostgreSQL cannot
     * store"}. Positions count UTF-16 characters from 1, as in the id rule's reasons.
     */
    public static String problem(String property, String value) {
        if (value == null) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\u0000') {
                return property + " has a NUL character (U+0000) at position " + (i + 1)
                        + ", which PostgreSQL cannot store";
            }
            if (Character.isSurrogate(c) && isUnpaired(value, i)) {
                return property + " has an " + unpaired(c) + " at position " + (i + 1) + ", which UTF-8 cannot encode";
            }
        }
        return null;
    }

    /** Whether the surrogate at {@code i} is not half of a high-low pair. */
    static boolean isUnpaired(String value, int i) {
        char c = value.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 == value.length() || !Character.isLowSurrogate(value.charAt(i + 1));
        }
        return i == 0 || !Character.isHighSurrogate(value.charAt(i - 1));
    }

    /** {@code "unpaired UTF-16 surrogate (U+D800)"}, the words both this rule and the id rule use. */
    static String unpaired(char surrogate) {
        return "unpaired UTF-16 surrogate (U+" + String.format(Locale.ROOT, "%04X", (int) surrogate) + ")";
    }
}
