package io.github.iskahomes.analytics.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iskahomes.analytics.core.EventType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** What the jar ships: the two builds under names that are their content's hash, and declarations that match. */
class BrowserScriptTest {

    @Test
    void eachBuildIsNamedByTheHashOfItsContent() throws Exception {
        for (BrowserScript script : new BrowserScript[] {BrowserScript.classic(), BrowserScript.module()}) {
            String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(script.bytes()));
            assertThat(script.fileName()).matches("analytics\\.(esm\\.)?[0-9a-f]{10}\\.js")
                    .contains(hash.substring(0, 10));
            assertThat(script.resourcePath()).isEqualTo("META-INF/resources/analytics/" + script.fileName());
            try (InputStream in = BrowserScript.class.getClassLoader().getResourceAsStream(script.resourcePath())) {
                assertThat(in).as("served by servlet containers from META-INF/resources").isNotNull();
                assertThat(in.readAllBytes()).isEqualTo(script.bytes());
            }
            assertThat(script.etag()).isEqualTo("\"" + script.fileName() + "\"");
        }
        assertThat(BrowserScript.CACHE_CONTROL).isEqualTo("public, max-age=31536000, immutable");
    }

    @Test
    void theClassicBuildIsTheModuleWrappedToSetWindowIskaAnalytics() {
        String module = text(BrowserScript.module());
        String classic = text(BrowserScript.classic());
        String banner = module.substring(0, module.indexOf('\n') + 1);
        String body = module.substring(banner.length(), module.lastIndexOf("export{createAnalytics,uuidv7};"));

        assertThat(classic).isEqualTo(banner + "(function(){'use strict';\n" + body
                + "window.IskaAnalytics={createAnalytics,uuidv7};})();\n");
    }

    @Test
    void theSizesTheBuildReportsAreTheSizesOfTheBytes() throws IOException {
        for (BrowserScript script : new BrowserScript[] {BrowserScript.classic(), BrowserScript.module()}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
                gzip.write(script.bytes());
            }
            assertThat(script.size()).isEqualTo(script.bytes().length);
            assertThat(script.gzippedSize()).isEqualTo(out.size());
        }
    }

    @Test
    void theDeclarationsNameEveryHelperAndItsRequiredProperties() throws IOException {
        String dts;
        try (InputStream in = BrowserScript.class.getResourceAsStream("/" + BrowserScript.RESOURCE_DIR + "analytics.d.ts")) {
            dts = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (EventType type : EventType.values()) {
            String helper = helperName(type);
            assertThat(dts).as(helper).containsPattern("\\n  " + helper + "\\(properties\\??: \\w+\\): string \\| null;");
            for (String property : type.requiredProperties()) {
                assertThat(dts).as(type + " requires " + property).containsPattern("[ {]" + property + ": ");
            }
        }
    }

    /** The typed helper of {@code type}: {@code trackPropertyView} for {@code property_view}. */
    static String helperName(EventType type) {
        StringBuilder name = new StringBuilder("track");
        for (String part : type.wireName().split("_")) {
            name.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1));
        }
        return name.toString();
    }

    private static String text(BrowserScript script) {
        return new String(script.bytes(), StandardCharsets.UTF_8);
    }
}
