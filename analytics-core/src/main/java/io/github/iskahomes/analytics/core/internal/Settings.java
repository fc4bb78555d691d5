package io.github.iskahomes.analytics.core.internal;

import java.time.Duration;
import java.util.Objects;

/** The range checks the configuration records of the analytics modules share, so every such error reads alike. */
public final class Settings {
    private Settings() {
    }

    /** @throws IllegalArgumentException naming the setting, unless {@code value} is positive */
    public static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }

    /**
     * @throws NullPointerException     naming the setting, if {@code value} is null
     * @throws IllegalArgumentException naming the setting, unless {@code value} is positive
     */
    public static void positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}
