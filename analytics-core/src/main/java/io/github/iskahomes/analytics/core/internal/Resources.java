package io.github.iskahomes.analytics.core.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Text resources shipped in a module's jar (SQL, Lua). The caller opens the stream with its own class's
 * {@code getResourceAsStream}: a named module's resources are found only from inside that module.
 */
public final class Resources {
    private Resources() {
    }

    /**
     * The whole of {@code in} as UTF-8, closing it; {@code what} names the resource in the errors
     * ({@code "Lua resource apply.lua"}).
     *
     * @throws IllegalStateException if {@code in} is {@code null}: the resource is missing from the jar
     * @throws UncheckedIOException  if it cannot be read
     */
    public static String text(InputStream in, String what) {
        if (in == null) {
            throw new IllegalStateException(what + " is missing from the jar");
        }
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + what, e);
        }
    }
}
