package io.github.iskahomes.analytics.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The event catalogue as documented in docs/analytics-core.md, and the {@link Event} value. */
class CatalogueTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "property_view            | PROPERTY    | listing_id                          | lister_id lister_type seeker_id viewed_from is_logged_in development_id",
            "listing_impression       | PROPERTY    | listing_id                          | lister_id lister_type seeker_id viewed_from position",
            "impression_social_media  | IMPRESSION  | listing_id                          | lister_id lister_type seeker_id platform",
            "impression_website_visit | IMPRESSION  | listing_id                          | lister_id lister_type seeker_id",
            "impression_share         | IMPRESSION  | listing_id                          | lister_id lister_type seeker_id platform",
            "impression_saved_listing | IMPRESSION  | listing_id                          | lister_id lister_type seeker_id",
            "lead_phone               | LEAD        | listing_id                          | lister_id lister_type seeker_id development_id context",
            "lead_message             | LEAD        | listing_id                          | lister_id lister_type seeker_id development_id context message",
            "lead_email               | LEAD        | listing_id                          | lister_id lister_type seeker_id development_id context",
            "lead_appointment         | LEAD        | listing_id                          | lister_id lister_type seeker_id development_id context appointment_at",
            "profile_view             | PROFILE     | profile_id user_type                | seeker_id viewed_from",
            "development_view         | DEVELOPMENT | development_id                      | developer_id seeker_id viewed_from is_logged_in",
            "development_share        | DEVELOPMENT | development_id                      | developer_id seeker_id platform",
            "development_saved        | DEVELOPMENT | development_id                      | developer_id seeker_id",
            "development_social_click | DEVELOPMENT | development_id                      | developer_id seeker_id platform",
            "development_interaction  | DEVELOPMENT | development_id                      | developer_id seeker_id interaction_type",
            "listing_created          | SYSTEM      | listing_id lister_id lister_type    | development_id",
            "listing_updated          | SYSTEM      | listing_id                          | lister_id lister_type",
            "listing_deleted          | SYSTEM      | listing_id lister_id lister_type    | ''",
            "user_logged_in           | SYSTEM      | ''                                  | user_type",
            "user_logged_out          | SYSTEM      | ''                                  | user_type",
            "development_created      | SYSTEM      | development_id                      | developer_id"})
    void catalogueEntry(String name, EventCategory category, String required, String optional) {
        EventType type = EventType.fromWireName(name).orElseThrow();
        assertThat(type.wireName()).isEqualTo(name);
        assertThat(type.category()).isEqualTo(category);
        assertThat(type.requiredProperties()).isEqualTo(words(required));
        assertThat(type.optionalProperties()).isEqualTo(words(optional));
        assertThat(type.understoodProperties()).containsExactlyElementsOf(
                java.util.stream.Stream.concat(words(required).stream(), words(optional).stream()).toList());
    }

    @Test
    void theCatalogueHasTheSeedsTwentyTwoEvents() {
        assertThat(EventType.values()).hasSize(22);
        assertThat(Arrays.stream(EventType.values()).map(EventType::wireName)).doesNotHaveDuplicates();
        assertThat(EventType.fromWireName(null)).isEmpty();
        assertThat(EventType.fromWireName("PROPERTY_VIEW")).isEmpty();
        assertThat(EventType.fromWireName("$pageview")).isEmpty();
    }

    static List<String> words(String text) {
        return text.isBlank() ? List.of() : List.of(text.trim().split("\\s+"));
    }

    @Test
    void eventTextGivesStringsNumbersAndBooleansOnly() {
        Map<String, Object> properties = new HashMap<>();
        properties.put("s", "x");
        properties.put("i", 42);
        properties.put("d", 1.5);
        properties.put("b", false);
        properties.put("n", null);
        properties.put("m", Map.of());
        properties.put("l", List.of());
        Event event = new Event("e", "d", null, null, properties);
        assertThat(event.text("s")).isEqualTo("x");
        assertThat(event.text("i")).isEqualTo("42");
        assertThat(event.text("d")).isEqualTo("1.5");
        assertThat(event.text("b")).isEqualTo("false");
        assertThat(event.text("n")).isNull();
        assertThat(event.text("m")).isNull();
        assertThat(event.text("l")).isNull();
        assertThat(event.text("absent")).isNull();
    }

    @Test
    void eventsAreImmutableCopies() {
        Map<String, Object> properties = new HashMap<>(Map.of("listing_id", "l"));
        Event event = new Event("property_view", "d", null, null, properties);
        properties.put("listing_id", "changed");
        assertThat(event.properties()).containsExactly(Map.entry("listing_id", "l"));
        assertThatThrownBy(() -> event.properties().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(new Event("e", null, null, null, null).properties()).isEmpty();

        Event changed = event.withProperty("viewed_from", "home").withUuid("u").withTimestamp(Instant.EPOCH);
        assertThat(changed).isEqualTo(new Event("property_view", "d", Instant.EPOCH, "u",
                Map.of("listing_id", "l", "viewed_from", "home")));
        assertThat(event.properties()).hasSize(1);
    }

    @Test
    void createdEventsAreStampedWithARandomUuid() {
        Instant before = Instant.now();
        Event first = Event.create("property_view", "d", Map.of("listing_id", "l"));
        Event second = Event.create("property_view", "d", Map.of("listing_id", "l"));
        assertThat(first.timestamp()).isBetween(before, Instant.now());
        assertThat(first.uuid()).isNotEqualTo(second.uuid()).hasSize(36);
    }
}
