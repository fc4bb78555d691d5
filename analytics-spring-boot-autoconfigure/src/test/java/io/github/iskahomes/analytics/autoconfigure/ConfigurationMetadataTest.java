package io.github.iskahomes.analytics.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** IDEs complete every property: the generated metadata lists each one with a description and its default. */
class ConfigurationMetadataTest {

    @Test
    void theMetadataListsEveryPropertyWithADescriptionAndEveryDefault() throws Exception {
        Map<String, Object> expected = new TreeMap<>();
        walk("analytics", new AnalyticsProperties(), expected);
        walk("analytics.browser", new io.github.iskahomes.analytics.autoconfigure.browser.BrowserScriptProperties(),
                expected);
        walk("analytics.dashboard", new io.github.iskahomes.analytics.autoconfigure.dashboard.DashboardProperties(),
                expected);
        JsonNode metadata;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            metadata = new ObjectMapper().readTree(in);
        }
        Map<String, JsonNode> listed = new TreeMap<>();
        metadata.get("properties").forEach(property -> listed.put(property.get("name").asText(), property));

        assertThat(listed.keySet()).isEqualTo(expected.keySet());
        listed.forEach((name, property) -> {
            assertThat(property.path("description").asText()).as(name + " has a description").isNotBlank();
            if (expected.get(name) != null) {
                assertThat(property.has("defaultValue")).as(name + " shows its default").isTrue();
            }
        });
        assertThat(listed.get("analytics.ingest.retention").get("defaultValue").asText()).isEqualTo("7d");
        assertThat(listed.get("analytics.web.capture-paths").get("defaultValue").toString())
                .isEqualTo("[\"/batch\",\"/capture\",\"/e\",\"/i/v0/e\",\"/track\"]");
    }

    /** Every bound property (a getter with a setter) of a settings object, with its default; nested groups too. */
    private static void walk(String prefix, Object settings, Map<String, Object> into) throws Exception {
        for (Method getter : settings.getClass().getDeclaredMethods()) {
            String name = getter.getName();
            if (!Modifier.isPublic(getter.getModifiers()) || getter.getParameterCount() > 0
                    || !(name.startsWith("get") || name.startsWith("is"))) {
                continue;
            }
            String bare = name.substring(name.startsWith("is") ? 2 : 3);
            String property = prefix + "." + bare.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase();
            Object value = getter.invoke(settings);
            if (getter.getReturnType().getEnclosingClass() == AnalyticsProperties.class) {
                walk(property, value, into);
                continue;
            }
            boolean settable = false;
            for (Method setter : settings.getClass().getDeclaredMethods()) {
                settable |= setter.getName().equals("set" + bare) && setter.getParameterCount() == 1;
            }
            if (settable) {
                into.put(property, value);
            }
        }
    }
}
