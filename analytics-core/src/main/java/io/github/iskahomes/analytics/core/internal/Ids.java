package io.github.iskahomes.analytics.core.internal;

/**
 * The rule for ids that end up in Redis keys (listing, lister, development, seeker ids and event uuids): opaque
 * strings of 1 to 128 characters without whitespace, control characters, <code>{</code>, <code>}</code> or unpaired
 * UTF-16 surrogates. Braces would move keys to another Redis Cluster slot; whitespace separates ids in index entries;
 * an unpaired surrogate has no UTF-8 form and would reach Redis and PostgreSQL as {@code '?'}, so that "X" followed
 * by U+D800, "X" followed by U+DBFF and {@code X?} would all be one listing.
 */
public final class Ids {
    static final int MAX_LENGTH = 128;

    private Ids() {
    }

    /**
     * Why {@code value} is not a valid id for {@code property}, or {@code null} when it is.
     * For example <code>"listing_id has '&#123;', which ids may not contain"</code>.
     */
    public static String problem(String property, String value) {
        if (value == null || value.isEmpty()) {
            return property + " is empty";
        }
        if (value.length() > MAX_LENGTH) {
            return property + " is " + value.length() + " characters long; ids may be at most " + MAX_LENGTH;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            // Printable ASCII other than braces is always allowed: the common case, decided by one comparison instead
            // of the four Character lookups below (this runs for every id of every event).
            if (c > ' ' && c < 0x7F && c != '{' && c != '}') {
                continue;
            }
            if (c == '{' || c == '}') {
                return property + " has '" + c + "', which ids may not contain";
            }
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                return property + " has a whitespace character at position " + (i + 1) + ", which ids may not contain";
            }
            if (Character.isISOControl(c)) {
                return property + " has the control character U+" + String.format(java.util.Locale.ROOT, "%04X", (int) c)
                        + " at position " + (i + 1) + ", which ids may not contain";
            }
            if (Character.isSurrogate(c) && StorableText.isUnpaired(value, i)) {
                return property + " has an " + StorableText.unpaired(c) + " at position " + (i + 1)
                        + ", which ids may not contain";
            }
        }
        return null;
    }
}
