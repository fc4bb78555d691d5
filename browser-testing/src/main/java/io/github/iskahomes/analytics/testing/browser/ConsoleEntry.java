package io.github.iskahomes.analytics.testing.browser;

import java.time.Instant;
import java.util.Objects;

/**
 * One line of the browser console: a {@code console.*} call of the page, an uncaught exception, or a message of the
 * browser itself (a failed resource load, a blocked request).
 *
 * @param level   {@code SEVERE} for {@code console.error}, uncaught exceptions and failed loads; {@code WARNING};
 *                {@code INFO} for {@code console.log/info}; {@code DEBUG}
 * @param message the text as Chromium reports it: source URL and line, then the logged values
 * @param time    when the browser logged it
 */
public record ConsoleEntry(String level, String message, Instant time) {

    /** Validates the parts. */
    public ConsoleEntry {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(time, "time");
    }

    /** True for what a person reading the console would call an error: level {@code SEVERE}. */
    public boolean isError() {
        return "SEVERE".equals(level);
    }

    @Override
    public String toString() {
        return level + " " + message;
    }
}
