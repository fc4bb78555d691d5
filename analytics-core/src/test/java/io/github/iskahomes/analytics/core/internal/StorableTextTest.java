package io.github.iskahomes.analytics.core.internal;

import static io.github.iskahomes.analytics.core.internal.EventValidatorTest.AT;
import static io.github.iskahomes.analytics.core.internal.EventValidatorTest.NOW;
import static io.github.iskahomes.analytics.core.internal.EventValidatorTest.VALIDATOR;
import static io.github.iskahomes.analytics.core.internal.EventValidatorTest.accepted;
import static io.github.iskahomes.analytics.core.internal.EventValidatorTest.reason;
import static io.github.iskahomes.analytics.core.internal.EventValidatorTest.validProperties;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.EventType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Text that PostgreSQL cannot store (U+0000) or that UTF-8 cannot encode (an unpaired UTF-16 surrogate, which Redis
 * and PostgreSQL would both receive as '?') is refused at validation, in every id, the uuid and every catalogued
 * free-text property, with a reason naming the property. Paired surrogates (emoji) are fine.
 */
class StorableTextTest {
    static final Set<String> ID_PROPERTIES = Set.of("listing_id", "lister_id", "seeker_id", "development_id",
            "developer_id", "profile_id");

    /** Bad text, the character reported, and its 1-based position. */
    static final List<Object[]> BAD = List.of(
            new Object[] {"X\ud800", "unpaired UTF-16 surrogate (U+D800)", 2},
            new Object[] {"X\udbff", "unpaired UTF-16 surrogate (U+DBFF)", 2},
            new Object[] {"\udc00X", "unpaired UTF-16 surrogate (U+DC00)", 1},
            // a low surrogate before its high one is two unpaired halves, not a pair
            new Object[] {"ab\ude00\ud83d", "unpaired UTF-16 surrogate (U+DE00)", 3},
            new Object[] {"😀\ud83d", "unpaired UTF-16 surrogate (U+D83D)", 3});

    static Stream<Arguments> idsWithUnpairedSurrogates() {
        List<Arguments> rows = new ArrayList<>();
        for (String property : new String[] {"listing_id", "lister_id", "seeker_id", "development_id", "developer_id",
                "profile_id", "distinct_id", "uuid"}) {
            // The two colliding ids, and a lone low surrogate; the other shapes are in the text table below.
            for (Object[] bad : BAD.subList(0, 3)) {
                rows.add(Arguments.of(property, bad[0], property + " has an " + bad[1] + " at position " + bad[2]
                        + ", which ids may not contain"));
            }
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("idsWithUnpairedSurrogates")
    void idsWithAnUnpairedSurrogateAreRejectedSoDifferentIdsNeverCollide(String property, String value, String expected) {
        assertThat(Ids.problem(property, value)).isEqualTo(expected);
        assertThat(reason(VALIDATOR.validate(eventWith(property, value), NOW))).isEqualTo(expected);
    }

    @Test
    void idsThatWouldAllBecomeTheSameQuestionMarkAreNotOneListing() {
        assertThat(Ids.problem("listing_id", "X\ud800")).isNotNull();
        assertThat(Ids.problem("listing_id", "X\udbff")).isNotNull();
        assertThat(Ids.problem("listing_id", "X?")).isNull();
        // Paired surrogates are ordinary characters outside the BMP.
        assertThat(Ids.problem("listing_id", "X\ud83d\ude00")).isNull();
        assertThat(accepted(VALIDATOR.validate(eventWith("listing_id", "X\ud83d\ude00"), NOW)).text("listing_id"))
                .isEqualTo("X😀");
    }

    /** The event that carries {@code value} in {@code property}: an id, the distinct_id or the uuid. */
    private static Event eventWith(String property, String value) {
        return switch (property) {
            case "uuid" -> EventValidatorTest.propertyView().withUuid(value);
            case "distinct_id" -> new Event("property_view", value, AT, "u", Map.of("listing_id", "l"));
            case "developer_id" -> new Event("development_view", "s", AT, "u",
                    Map.of("development_id", "d", "developer_id", value));
            case "profile_id" -> new Event("profile_view", "s", AT, "u", Map.of("profile_id", value, "user_type", "agent"));
            case "lister_id" -> EventValidatorTest.propertyView("lister_id", value, "lister_type", "agent");
            default -> EventValidatorTest.propertyView(property, value);
        };
    }

    static Stream<Arguments> freeTextWithUnstorableCharacters() {
        // One row per (type, text property) the catalogue reads; the rows take turns with NUL and each surrogate shape.
        List<Arguments> rows = new ArrayList<>();
        for (EventType type : EventType.values()) {
            for (String property : type.understoodProperties()) {
                if (ID_PROPERTIES.contains(property)) {
                    continue;
                }
                int shape = rows.size() % (BAD.size() + 1);
                if (shape == BAD.size()) {
                    rows.add(Arguments.of(type, property, "in\u0000side",
                            property + " has a NUL character (U+0000) at position 3, which PostgreSQL cannot store"));
                } else {
                    Object[] bad = BAD.get(shape);
                    rows.add(Arguments.of(type, property, bad[0], property + " has an " + bad[1] + " at position "
                            + bad[2] + ", which UTF-8 cannot encode"));
                }
            }
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}.{1} = {2}")
    @MethodSource("freeTextWithUnstorableCharacters")
    void everyCataloguedTextPropertyWithUnstorableTextIsRejectedNamingIt(EventType type, String property, String value,
                                                                          String expected) {
        Map<String, Object> properties = validProperties(type);
        if (property.equals("lister_type")) {
            properties.putIfAbsent("lister_id", "lister-1");
            properties.putIfAbsent("lister_type", "agent");
        }
        assertThat(VALIDATOR.validate(new Event(type.wireName(), "seeker-1", AT, "u", properties), NOW))
                .isInstanceOf(Validation.Accepted.class);
        properties.put(property, value);
        assertThat(reason(VALIDATOR.validate(new Event(type.wireName(), "seeker-1", AT, "u", properties), NOW)))
                .isEqualTo(expected);
    }

    @Test
    void theLeadContextThatReachesPostgresIsCoveredAndOrdinaryTextIsNot() {
        Event lead = new Event("lead_phone", "s", AT, "u", Map.of("listing_id", "l", "context", "gallery\u0000"));
        assertThat(reason(VALIDATOR.validate(lead, NOW)))
                .isEqualTo("context has a NUL character (U+0000) at position 8, which PostgreSQL cannot store");
        Event fine = lead.withProperty("context", "galerie 🏠 \u00e9\t\n");
        assertThat(accepted(VALIDATOR.validate(fine, NOW)).text("context")).isEqualTo("galerie 🏠 é\t\n");
        // Properties outside the catalogue are never stored, so they do not cost the event.
        assertThat(VALIDATOR.validate(fine.withProperty("$referrer", "x\u0000\ud800"), NOW))
                .isInstanceOf(Validation.Accepted.class);
    }

    @Test
    void storableTextProblemIsNullForStorableTextAndNamesTheFirstProblem() {
        assertThat(StorableText.problem("notes", null)).isNull();
        assertThat(StorableText.problem("notes", "")).isNull();
        assertThat(StorableText.problem("notes", "call back 📞 tomorrow")).isNull();
        assertThat(StorableText.problem("buyer_name", "A\u0000\ud800"))
                .isEqualTo("buyer_name has a NUL character (U+0000) at position 2, which PostgreSQL cannot store");
        assertThat(StorableText.problem("buyer_name", "A\ud800\u0000"))
                .isEqualTo("buyer_name has an unpaired UTF-16 surrogate (U+D800) at position 2, which UTF-8 cannot encode");
    }
}
