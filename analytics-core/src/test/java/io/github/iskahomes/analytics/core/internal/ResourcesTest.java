package io.github.iskahomes.analytics.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResourcesTest {
    @Test
    void aResourceIsReadWholeAsUtf8() {
        byte[] text = "local ünïcode = 1\n".getBytes(StandardCharsets.UTF_8);
        assertThat(Resources.text(new ByteArrayInputStream(text), "Lua resource x.lua")).isEqualTo("local ünïcode = 1\n");
    }

    @Test
    void aMissingResourceIsNamedInTheError() {
        assertThatThrownBy(() -> Resources.text(getClass().getResourceAsStream("absent.lua"), "Lua resource absent.lua"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Lua resource absent.lua is missing from the jar");
    }
}
