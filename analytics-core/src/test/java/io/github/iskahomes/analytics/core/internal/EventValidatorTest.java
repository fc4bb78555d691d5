package io.github.iskahomes.analytics.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iskahomes.analytics.core.BusinessCalendar;
import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.EventType;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every rejection reason as the user reads it, and what acceptance resolves. */
class EventValidatorTest {
    static final Instant NOW = Instant.parse("2025-01-15T12:00:00Z");
    static final Instant AT = Instant.parse("2025-01-15T10:00:00Z");
    static final EventValidator VALIDATOR = new EventValidator(ValidationRules.defaults());
    static final String TYPES = "developer, agent, agency, property_manager";

    /** A valid event of each type, carrying every required property. */
    static Map<String, Object> validProperties(EventType type) {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (String required : type.requiredProperties()) {
            properties.put(required, switch (required) {
                case "lister_type", "user_type" -> "agent";
                default -> required.replace('_', '-') + "-1";
            });
        }
        return properties;
    }

    static Event propertyView(Object... keyValues) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("listing_id", "listing-1");
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put((String) keyValues[i], keyValues[i + 1]);
        }
        return new Event("property_view", "seeker-1", AT, "uuid-1", properties);
    }

    static String reason(Validation validation) {
        assertThat(validation).isInstanceOf(Validation.Rejected.class);
        return ((Validation.Rejected) validation).reason();
    }

    static CheckedEvent accepted(Validation validation) {
        assertThat(validation).isInstanceOf(Validation.Accepted.class);
        return ((Validation.Accepted) validation).event();
    }

    static Stream<Arguments> missingRequiredProperty() {
        List<Arguments> rows = new ArrayList<>();
        for (EventType type : EventType.values()) {
            for (String required : type.requiredProperties()) {
                rows.add(Arguments.of(type, required));
            }
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0} without {1}")
    @MethodSource("missingRequiredProperty")
    void eachRequiredPropertyMissingIsNamed(EventType type, String required) {
        Map<String, Object> properties = validProperties(type);
        assertThat(VALIDATOR.validate(new Event(type.wireName(), "seeker-1", AT, "u", properties), NOW))
                .isInstanceOf(Validation.Accepted.class);

        properties.remove(required);
        assertThat(reason(VALIDATOR.validate(new Event(type.wireName(), "seeker-1", AT, "u", properties), NOW)))
                .isEqualTo(required + " is missing");
        properties.put(required, "");
        assertThat(reason(VALIDATOR.validate(new Event(type.wireName(), "seeker-1", AT, "u", properties), NOW)))
                .isEqualTo(required + " is missing");
        properties.put(required, null);
        assertThat(reason(VALIDATOR.validate(new Event(type.wireName(), "seeker-1", AT, "u", properties), NOW)))
                .isEqualTo(required + " is missing");
    }

    static Stream<Arguments> rejections() {
        String longId = "x".repeat(129);
        return Stream.of(
                Arguments.of("unknown event", new Event("property_click", "s", AT, "u", Map.of("listing_id", "l")),
                        "event \"property_click\" is not in the catalogue"),
                Arguments.of("event names are case-sensitive", new Event("Property_View", "s", AT, "u",
                        Map.of("listing_id", "l")), "event \"Property_View\" is not in the catalogue"),
                Arguments.of("no event name", new Event(null, "s", AT, "u", Map.of()), "event name is missing"),
                Arguments.of("blank event name", new Event("  ", "s", AT, "u", Map.of()), "event name is missing"),
                Arguments.of("open brace", propertyView("listing_id", "listing{1"),
                        "listing_id has '{', which ids may not contain"),
                Arguments.of("close brace", propertyView("listing_id", "listing}1"),
                        "listing_id has '}', which ids may not contain"),
                Arguments.of("space", propertyView("listing_id", "listing 1"),
                        "listing_id has a whitespace character at position 8, which ids may not contain"),
                Arguments.of("tab", propertyView("listing_id", "\tlisting"),
                        "listing_id has a whitespace character at position 1, which ids may not contain"),
                Arguments.of("no-break space", propertyView("listing_id", "a\u00a0b"),
                        "listing_id has a whitespace character at position 2, which ids may not contain"),
                Arguments.of("control character", propertyView("listing_id", "ab\u0001"),
                        "listing_id has the control character U+0001 at position 3, which ids may not contain"),
                Arguments.of("delete character", propertyView("listing_id", "\u007f"),
                        "listing_id has the control character U+007F at position 1, which ids may not contain"),
                Arguments.of("129 characters", propertyView("listing_id", longId),
                        "listing_id is 129 characters long; ids may be at most 128"),
                Arguments.of("boolean id", propertyView("listing_id", true), "listing_id must be a string, not a boolean"),
                Arguments.of("object id", propertyView("listing_id", Map.of("id", 1)),
                        "listing_id must be a string, not an object"),
                Arguments.of("array id", propertyView("listing_id", List.of("a")),
                        "listing_id must be a string, not an array"),
                Arguments.of("lister_id with a brace", propertyView("lister_id", "{x}", "lister_type", "agent"),
                        "lister_id has '{', which ids may not contain"),
                Arguments.of("empty optional lister_id", propertyView("lister_id", "", "lister_type", "agent"),
                        "lister_id is empty"),
                Arguments.of("seeker_id with a space", propertyView("seeker_id", "a b"),
                        "seeker_id has a whitespace character at position 2, which ids may not contain"),
                Arguments.of("development_id boolean", propertyView("development_id", false),
                        "development_id must be a string, not a boolean"),
                Arguments.of("distinct_id with a brace", new Event("property_view", "a}", AT, "u",
                        Map.of("listing_id", "l")), "distinct_id has '}', which ids may not contain"),
                Arguments.of("profile_id with a brace", new Event("profile_view", "s", AT, "u",
                        Map.of("profile_id", "p{", "user_type", "agent")), "profile_id has '{', which ids may not contain"),
                Arguments.of("developer_id too long", new Event("development_view", "s", AT, "u",
                        Map.of("development_id", "d", "developer_id", longId)),
                        "developer_id is 129 characters long; ids may be at most 128"),
                Arguments.of("unknown lister_type", propertyView("lister_id", "l-1", "lister_type", "broker"),
                        "lister_type \"broker\" is not one of " + TYPES),
                Arguments.of("lister_type not text", propertyView("lister_id", "l-1", "lister_type", Map.of()),
                        "lister_type must be a string, not an object"),
                Arguments.of("lister_id without lister_type", propertyView("lister_id", "l-1"),
                        "lister_type is missing; it is required with lister_id (one of " + TYPES + ")"),
                Arguments.of("profile_view with an unknown user_type", new Event("profile_view", "s", AT, "u",
                        Map.of("profile_id", "p", "user_type", "buyer")), "user_type \"buyer\" is not one of " + TYPES),
                Arguments.of("profile_view with a user_type list", new Event("profile_view", "s", AT, "u",
                        Map.of("profile_id", "p", "user_type", List.of("agent"))), "user_type must be a string, not an array"),
                Arguments.of("no distinct_id, no seeker_id", new Event("property_view", null, AT, "u",
                        Map.of("listing_id", "l")), "distinct_id is missing; send distinct_id or a seeker_id property"),
                Arguments.of("empty distinct_id, no seeker_id", new Event("property_view", "", AT, "u",
                        Map.of("listing_id", "l")), "distinct_id is missing; send distinct_id or a seeker_id property"),
                Arguments.of("older than the retention", propertyView().withTimestamp(Instant.parse("2025-01-08T11:59:59Z")),
                        "timestamp 2025-01-08T11:59:59Z is older than the 7-day retention"),
                Arguments.of("more than an hour ahead", propertyView().withTimestamp(Instant.parse("2025-01-15T13:00:01Z")),
                        "timestamp 2025-01-15T13:00:01Z is more than 1 hour in the future"),
                Arguments.of("uuid with a space", propertyView().withUuid("abc def"),
                        "uuid has a whitespace character at position 4, which ids may not contain"),
                Arguments.of("uuid with a brace", propertyView().withUuid("{abc}"),
                        "uuid has '{', which ids may not contain"),
                Arguments.of("uuid too long", propertyView().withUuid(longId),
                        "uuid is 129 characters long; ids may be at most 128"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejections")
    void rejectionReasonIsTheSentenceTheUserReads(String variant, Event event, String expected) {
        assertThat(reason(VALIDATOR.validate(event, NOW))).isEqualTo(expected);
    }

    @Test
    void nullEventIsRejectedNotThrown() {
        assertThat(reason(VALIDATOR.validate(null, NOW))).isEqualTo("the event is null");
    }

    @Test
    void propertiesLargerThanTheLimitAreRejectedWithTheirSize() {
        EventValidator small = new EventValidator(ValidationRules.defaults().withMaxPropertiesBytes(100));
        Event event = propertyView("note", "x".repeat(200));
        // {"listing_id":"listing-1","note":"xxx…"}: 2 + (10 + 4 + 11) + (4 + 4 + 202)
        assertThat(reason(small.validate(event, NOW))).isEqualTo("properties are about 237 bytes; at most 100 are allowed");
        assertThat(small.validate(propertyView("note", "x".repeat(50)), NOW)).isInstanceOf(Validation.Accepted.class);
    }

    @Test
    void limitsAreInclusiveAtTheirBoundaries() {
        assertThat(accepted(VALIDATOR.validate(propertyView("listing_id", "x".repeat(128)), NOW)).text("listing_id"))
                .hasSize(128);
        assertThat(VALIDATOR.validate(propertyView().withTimestamp(NOW.minus(Duration.ofDays(7))), NOW))
                .isInstanceOf(Validation.Accepted.class);
        assertThat(VALIDATOR.validate(propertyView().withTimestamp(NOW.plus(Duration.ofHours(1))), NOW))
                .isInstanceOf(Validation.Accepted.class);
    }

    @Test
    void otherRetentionAndSkewAreDescribedInTheirOwnUnits() {
        EventValidator custom = new EventValidator(ValidationRules.defaults()
                .withRetention(Duration.ofHours(36)).withMaxFutureSkew(Duration.ofSeconds(90)));
        assertThat(reason(custom.validate(propertyView().withTimestamp(NOW.minus(Duration.ofHours(37))), NOW)))
                .isEqualTo("timestamp 2025-01-13T23:00:00Z is older than the 36 hours retention");
        assertThat(reason(custom.validate(propertyView().withTimestamp(NOW.plusSeconds(91)), NOW)))
                .isEqualTo("timestamp 2025-01-15T12:01:31Z is more than 90 seconds in the future");
        EventValidator minutes = new EventValidator(ValidationRules.defaults().withMaxFutureSkew(Duration.ofMinutes(5)));
        assertThat(reason(minutes.validate(propertyView().withTimestamp(NOW.plusSeconds(301)), NOW)))
                .isEqualTo("timestamp 2025-01-15T12:05:01Z is more than 5 minutes in the future");
    }

    @Test
    void suppliedUuidAndTimestampAreKept() {
        CheckedEvent checked = accepted(VALIDATOR.validate(propertyView(), NOW));
        assertThat(checked.uuid()).isEqualTo("uuid-1");
        assertThat(checked.event().timestamp()).isEqualTo(AT);
        assertThat(checked.type()).isEqualTo(EventType.PROPERTY_VIEW);
        assertThat(checked.day()).isEqualTo(LocalDate.of(2025, 1, 15));
        assertThat(checked.seekerId()).isEqualTo("seeker-1");
    }

    @Test
    void missingUuidIsDerivedFromContentAndTimestamp() {
        Event first = new Event("property_view", "seeker-1", AT, null,
                linked("listing_id", "listing-1", "viewed_from", "home"));
        Event sameReordered = new Event("property_view", "seeker-1", AT, "",
                linked("viewed_from", "home", "listing_id", "listing-1"));
        String uuid = accepted(VALIDATOR.validate(first, NOW)).uuid();

        assertThat(UUID.fromString(uuid).version()).isEqualTo(3);
        assertThat(accepted(VALIDATOR.validate(first, NOW.plusSeconds(60))).uuid()).isEqualTo(uuid);
        assertThat(accepted(VALIDATOR.validate(sameReordered, NOW)).uuid()).isEqualTo(uuid);
        assertThat(accepted(VALIDATOR.validate(first.withTimestamp(AT.plusMillis(1)), NOW)).uuid()).isNotEqualTo(uuid);
        assertThat(accepted(VALIDATOR.validate(first.withProperty("viewed_from", "search"), NOW)).uuid())
                .isNotEqualTo(uuid);
        assertThat(accepted(VALIDATOR.validate(new Event("property_view", "seeker-2", AT, null, first.properties()), NOW))
                .uuid()).isNotEqualTo(uuid);
    }

    @Test
    void missingTimestampIsStampedNowWithARandomUuid() {
        Event event = new Event("property_view", "seeker-1", null, null, Map.of("listing_id", "listing-1"));
        CheckedEvent first = accepted(VALIDATOR.validate(event, NOW));
        CheckedEvent second = accepted(VALIDATOR.validate(event, NOW));

        assertThat(first.event().timestamp()).isEqualTo(NOW);
        assertThat(first.day()).isEqualTo(LocalDate.of(2025, 1, 15));
        assertThat(UUID.fromString(first.uuid()).version()).isEqualTo(4);
        assertThat(second.uuid()).isNotEqualTo(first.uuid());
    }

    /** A UUIDv7 (RFC 9562) carrying {@code at} to the millisecond, as the batcher makes them. */
    static String v7(Instant at) {
        long msb = (at.toEpochMilli() << 16) | 0x7000L | 0x0abcL;
        return new UUID(msb, 0x8000_0000_0000_0000L | 0x1234_5678_9abcL).toString();
    }

    @Test
    void missingTimestampIsTheUuidV7sTimeSoEveryTryLandsOnTheSameDay() {
        Instant evening = Instant.parse("2025-01-14T23:59:58.123Z");
        Event event = new Event("property_view", "seeker-1", null, v7(evening), Map.of("listing_id", "listing-1"));
        for (Instant now : new Instant[] {Instant.parse("2025-01-14T23:59:59Z"), Instant.parse("2025-01-15T00:00:01Z"),
                Instant.parse("2025-01-21T23:00:00Z")}) {
            CheckedEvent checked = accepted(VALIDATOR.validate(event, now));
            assertThat(checked.event().timestamp()).isEqualTo(evening);
            assertThat(checked.day()).isEqualTo(LocalDate.of(2025, 1, 14));
            assertThat(checked.uuid()).isEqualTo(event.uuid());
        }
        // Upper-case hex is the same uuid.
        assertThat(accepted(VALIDATOR.validate(event.withUuid(event.uuid().toUpperCase(java.util.Locale.ROOT)), NOW))
                .event().timestamp()).isEqualTo(evening);
    }

    @Test
    void uuidV7TimeOutsideTheAcceptedWindowOrAnotherVersionLeavesTheArrivalTime() {
        Event tooOld = new Event("property_view", "s", null, v7(NOW.minus(Duration.ofDays(8))), Map.of("listing_id", "l"));
        Event tooNew = tooOld.withUuid(v7(NOW.plus(Duration.ofHours(2))));
        Event v4 = tooOld.withUuid(UUID.randomUUID().toString());
        Event notAUuid = tooOld.withUuid("client-7-id");
        for (Event event : List.of(tooOld, tooNew, v4, notAUuid)) {
            assertThat(accepted(VALIDATOR.validate(event, NOW)).event().timestamp()).as(event.uuid()).isEqualTo(NOW);
        }
        // A timestamp the client sent always wins over the uuid's time.
        Event timed = tooOld.withUuid(v7(AT.minusSeconds(3600))).withTimestamp(AT);
        assertThat(accepted(VALIDATOR.validate(timed, NOW)).event().timestamp()).isEqualTo(AT);
    }

    @Test
    void uuidV7TimeIsReadOnlyFromRfc9562Version7() {
        Instant at = Instant.parse("2025-01-15T10:00:00.042Z");
        assertThat(Uuids.v7Time(v7(at))).contains(at);
        assertThat(Uuids.v7Time("0194" + v7(at).substring(4))).isPresent();
        assertThat(Uuids.v7Time(UUID.randomUUID().toString())).isEmpty();
        assertThat(Uuids.v7Time(UUID.nameUUIDFromBytes(new byte[] {1}).toString())).isEmpty();
        // version 7 but not the RFC variant (10xx)
        assertThat(Uuids.v7Time(v7(at).substring(0, 19) + "c" + v7(at).substring(20))).isEmpty();
        for (String notAUuid : new String[] {null, "", "u-1", v7(at).replace("-", ""), v7(at) + "0",
                v7(at).substring(0, 35) + "g", "+" + v7(at).substring(1)}) {
            assertThat(Uuids.v7Time(notAUuid)).as(String.valueOf(notAUuid)).isEmpty();
        }
    }

    @Test
    void seekerIdBeatsDistinctId() {
        CheckedEvent checked = accepted(VALIDATOR.validate(propertyView("seeker_id", "seeker-9"), NOW));
        assertThat(checked.seekerId()).isEqualTo("seeker-9");
        assertThat(checked.event().distinctId()).isEqualTo("seeker-1");

        Event noDistinct = new Event("property_view", null, AT, "u", Map.of("listing_id", "l", "seeker_id", "s-2"));
        assertThat(accepted(VALIDATOR.validate(noDistinct, NOW)).seekerId()).isEqualTo("s-2");
        // the distinct_id is not checked as an id when seeker_id names the seeker
        Event oddDistinct = new Event("property_view", "anon user", AT, "u", Map.of("listing_id", "l", "seeker_id", "s-2"));
        assertThat(accepted(VALIDATOR.validate(oddDistinct, NOW)).seekerId()).isEqualTo("s-2");
    }

    @Test
    void dayIsTheDateInTheBusinessZone() {
        EventValidator tokyo = new EventValidator(ValidationRules.defaults()
                .withCalendar(new BusinessCalendar(ZoneId.of("Asia/Tokyo"))));
        EventValidator newYork = new EventValidator(ValidationRules.defaults()
                .withCalendar(new BusinessCalendar(ZoneId.of("America/New_York"))));

        assertThat(accepted(tokyo.validate(propertyView().withTimestamp(Instant.parse("2025-01-15T14:59:59Z")), Instant.parse("2025-01-15T14:59:59Z")))
                .day()).isEqualTo(LocalDate.of(2025, 1, 15));
        assertThat(accepted(tokyo.validate(propertyView().withTimestamp(Instant.parse("2025-01-15T15:00:00Z")), Instant.parse("2025-01-15T15:00:00Z")))
                .day()).isEqualTo(LocalDate.of(2025, 1, 16));
        assertThat(accepted(newYork.validate(propertyView().withTimestamp(Instant.parse("2025-01-15T04:59:59Z")), Instant.parse("2025-01-15T04:59:59Z")))
                .day()).isEqualTo(LocalDate.of(2025, 1, 14));
        assertThat(accepted(newYork.validate(propertyView().withTimestamp(Instant.parse("2025-01-15T05:00:00Z")), Instant.parse("2025-01-15T05:00:00Z")))
                .day()).isEqualTo(LocalDate.of(2025, 1, 15));
    }

    @Test
    void numericIdsAndMixedCaseListerTypesAreAccepted() {
        CheckedEvent checked = accepted(VALIDATOR.validate(
                propertyView("listing_id", 123, "lister_id", "l-1", "lister_type", "AGENT"), NOW));
        assertThat(checked.text("listing_id")).isEqualTo("123");
        assertThat(checked.text("lister_type")).isEqualTo("AGENT");
    }

    @Test
    void unknownPropertiesAreKept() {
        CheckedEvent checked = accepted(VALIDATOR.validate(propertyView("$browser", "Firefox"), NOW));
        assertThat(checked.event().properties()).containsEntry("$browser", "Firefox");
    }

    @Test
    void rulesRejectNonsenseAtConstruction() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ValidationRules.defaults().withRetention(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("retention must be positive, was PT0S");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ValidationRules.defaults().withMaxFutureSkew(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxFutureSkew must not be negative, was PT-1S");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ValidationRules.defaults().withMaxPropertiesBytes(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxPropertiesBytes must be positive, was 0");
        assertThat(ValidationRules.defaults()).isEqualTo(new ValidationRules(BusinessCalendar.UTC, Duration.ofDays(7),
                Duration.ofHours(1), 32 * 1024));
    }

    static Map<String, Object> linked(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }
}
