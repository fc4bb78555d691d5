package io.github.iskahomes.analytics.core.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.MalformedPayloadException;
import io.github.iskahomes.analytics.core.PayloadTooLargeException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Body shapes, aliases, timestamps and errors of {@link EventJson}, and its encode/decode round trips. */
class EventJsonTest {
    static final Instant AT = Instant.parse("2025-01-15T10:00:00Z");

    static DecodedBatch decode(String body) {
        return EventJson.decode(body.getBytes(UTF_8), 100);
    }

    static Event only(DecodedBatch batch) {
        assertThat(batch.events()).hasSize(1);
        DecodedEvent decoded = batch.events().get(0);
        assertThat(decoded.problem()).isNull();
        return decoded.event();
    }

    static final String VIEW = "{\"event\":\"property_view\",\"distinct_id\":\"seeker-1\",\"timestamp\":\"2025-01-15T10:00:00Z\","
            + "\"uuid\":\"u-1\",\"properties\":{\"listing_id\":\"listing-1\",\"is_logged_in\":true,\"position\":3}}";
    static final Event VIEW_EVENT = new Event("property_view", "seeker-1", AT, "u-1",
            linked("listing_id", "listing-1", "is_logged_in", true, "position", 3));

    @Test
    void seedEventsBody() {
        DecodedBatch batch = decode("{\"events\":[" + VIEW + "," + VIEW.replace("u-1", "u-2") + "]}");
        assertThat(batch.apiKey()).isNull();
        assertThat(batch.events()).containsExactly(new DecodedEvent(0, VIEW_EVENT, null),
                new DecodedEvent(1, VIEW_EVENT.withUuid("u-2"), null));
        assertThat(batch.events().get(1).uuid()).isEqualTo("u-2");
    }

    @Test
    void postHogBatchBodyKeepsTheApiKey() {
        DecodedBatch batch = decode("{\"api_key\":\"phc_123\",\"batch\":[" + VIEW + "],\"sent_at\":\"2025-01-15T10:00:01Z\"}");
        assertThat(batch.apiKey()).isEqualTo("phc_123");
        assertThat(only(batch)).isEqualTo(VIEW_EVENT);

        assertThat(decode("{\"batch\":[" + VIEW + "],\"token\":\"phc_9\"}").apiKey()).isEqualTo("phc_9");
    }

    @Test
    void bareArrayBody() {
        DecodedBatch batch = decode("[" + VIEW + "]");
        assertThat(batch.apiKey()).isNull();
        assertThat(only(batch)).isEqualTo(VIEW_EVENT);
        assertThat(decode("[]").events()).isEmpty();
        assertThat(decode("{\"events\":[]}").events()).isEmpty();
    }

    @Test
    void singleCaptureEventObject() {
        DecodedBatch batch = decode("{\"api_key\":\"phc_1\",\"event\":\"property_view\",\"properties\":"
                + "{\"distinct_id\":\"seeker-1\",\"listing_id\":\"listing-1\"},\"timestamp\":\"2025-01-15T10:00:00Z\"}");
        assertThat(batch.apiKey()).isEqualTo("phc_1");
        assertThat(only(batch)).isEqualTo(new Event("property_view", "seeker-1", AT, null,
                linked("distinct_id", "seeker-1", "listing_id", "listing-1")));
    }

    static Stream<Arguments> distinctIdPlaces() {
        return Stream.of(
                Arguments.of("top level", "\"distinct_id\":\"s-1\",\"properties\":{}"),
                Arguments.of("$distinct_id", "\"$distinct_id\":\"s-1\",\"properties\":{}"),
                Arguments.of("camelCase", "\"distinctId\":\"s-1\",\"properties\":{}"),
                Arguments.of("properties.distinct_id", "\"properties\":{\"distinct_id\":\"s-1\"}"),
                Arguments.of("properties.$distinct_id", "\"properties\":{\"$distinct_id\":\"s-1\"}"),
                Arguments.of("top level wins over properties",
                        "\"distinct_id\":\"s-1\",\"properties\":{\"distinct_id\":\"other\"}"),
                Arguments.of("empty top level falls through", "\"distinct_id\":\"\",\"properties\":{\"distinct_id\":\"s-1\"}"),
                Arguments.of("a number as text", "\"distinct_id\":7,\"properties\":{\"seeker\":\"s-1\"}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("distinctIdPlaces")
    void distinctIdIsFoundWherePostHogPutsIt(String place, String fields) {
        String expected = place.startsWith("a number") ? "7" : "s-1";
        assertThat(only(decode("{\"event\":\"x\"," + fields + "}")).distinctId()).isEqualTo(expected);
    }

    @Test
    void camelCasePropertyAliasesAreRewrittenToSnakeCase() {
        Event event = only(decode("{\"events\":[{\"event\":\"lead_appointment\",\"distinct_id\":\"s\",\"properties\":{"
                + "\"listingId\":\"l\",\"listerId\":\"a\",\"listerType\":\"agent\",\"seekerId\":\"s2\","
                + "\"viewedFrom\":\"home\",\"isLoggedIn\":true,\"developmentId\":\"d\",\"developerId\":\"dv\","
                + "\"profileId\":\"p\",\"userType\":\"agency\",\"interactionType\":\"tour\","
                + "\"appointmentAt\":\"2025-02-01T09:00:00Z\",\"$lib\":\"web\"}}]}"));
        assertThat(event.properties()).containsExactly(
                Map.entry("listing_id", "l"), Map.entry("lister_id", "a"), Map.entry("lister_type", "agent"),
                Map.entry("seeker_id", "s2"), Map.entry("viewed_from", "home"), Map.entry("is_logged_in", true),
                Map.entry("development_id", "d"), Map.entry("developer_id", "dv"), Map.entry("profile_id", "p"),
                Map.entry("user_type", "agency"), Map.entry("interaction_type", "tour"),
                Map.entry("appointment_at", "2025-02-01T09:00:00Z"), Map.entry("$lib", "web"));
    }

    @Test
    void snakeCaseNameWinsOverItsAliasInEitherOrder() {
        assertThat(only(decode("{\"event\":\"x\",\"properties\":{\"viewedFrom\":\"a\",\"viewed_from\":\"b\"}}"))
                .properties()).containsExactly(Map.entry("viewed_from", "b"));
        assertThat(only(decode("{\"event\":\"x\",\"properties\":{\"viewed_from\":\"b\",\"viewedFrom\":\"a\"}}"))
                .properties()).containsExactly(Map.entry("viewed_from", "b"));
        assertThat(Properties.canonical("listerId")).isEqualTo("lister_id");
        assertThat(Properties.canonical("ListerId")).isEqualTo("ListerId");
    }

    static Stream<Arguments> timestamps() {
        return Stream.of(
                Arguments.of("\"2025-01-15T10:00:00Z\"", AT),
                Arguments.of("\"2025-01-15T10:00:00.123Z\"", AT.plusMillis(123)),
                Arguments.of("\"2025-01-15T12:00:00+02:00\"", AT),
                Arguments.of("\"2025-01-15T05:00:00-05:00\"", AT),
                Arguments.of(String.valueOf(AT.toEpochMilli()), AT),
                Arguments.of("null", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("timestamps")
    void timestampForms(String json, Instant expected) {
        assertThat(only(decode("{\"event\":\"x\",\"timestamp\":" + json + "}")).timestamp()).isEqualTo(expected);
    }

    static Stream<Arguments> elementProblems() {
        String unparseable = " is not an ISO-8601 date-time with an offset (such as 2025-01-15T10:00:00Z) nor epoch milliseconds";
        return Stream.of(
                Arguments.of("{\"event\":\"x\",\"timestamp\":\"yesterday\"}", "timestamp \"yesterday\"" + unparseable),
                Arguments.of("{\"event\":\"x\",\"timestamp\":\"2025-01-15T10:00:00\"}",
                        "timestamp \"2025-01-15T10:00:00\"" + unparseable),
                Arguments.of("{\"event\":\"x\",\"timestamp\":1.5}", "timestamp 1.5" + unparseable),
                Arguments.of("{\"event\":\"x\",\"timestamp\":true}", "timestamp true" + unparseable),
                Arguments.of("{\"event\":\"x\",\"properties\":[1]}", "properties is an array, not an object"),
                Arguments.of("{\"event\":\"x\",\"properties\":\"a\"}", "properties is a string, not an object"),
                Arguments.of("{\"properties\":{}}", "event name is missing"),
                Arguments.of("{\"event\":{\"a\":1}}", "event name is not a string"),
                Arguments.of("\"property_view\"", "the element is a string, not an event object"),
                Arguments.of("42", "the element is a number, not an event object"),
                Arguments.of("true", "the element is a boolean, not an event object"),
                Arguments.of("null", "the element is null, not an event object"),
                Arguments.of("[]", "the element is an array, not an event object"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("elementProblems")
    void badElementIsAProblemOfThatElementOnly(String element, String problem) {
        DecodedBatch batch = decode("{\"events\":[" + VIEW + "," + element + "]}");
        assertThat(batch.events()).hasSize(2);
        assertThat(batch.events().get(0)).isEqualTo(new DecodedEvent(0, VIEW_EVENT, null));
        assertThat(batch.events().get(1).index()).isEqualTo(1);
        assertThat(batch.events().get(1).problem()).isEqualTo(problem);
    }

    @Test
    void moreEventsThanAllowedIsPayloadTooLarge() {
        String three = "{\"events\":[" + VIEW + "," + VIEW + "," + VIEW + "]}";
        assertThat(EventJson.decode(three.getBytes(UTF_8), 3).events()).hasSize(3);
        assertThatThrownBy(() -> EventJson.decode(three.getBytes(UTF_8), 2))
                .isInstanceOf(PayloadTooLargeException.class)
                .hasMessage("the request has more than 2 events; at most 2 are allowed per request");
        assertThatThrownBy(() -> EventJson.decode(("[" + VIEW + "," + VIEW + "]").getBytes(UTF_8), 1))
                .isInstanceOf(PayloadTooLargeException.class)
                .hasMessage("the request has more than 1 events; at most 1 are allowed per request");
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("unclosed array", "{\"events\":[",
                        "malformed JSON: Unexpected end-of-input: expected close marker for Array"
                                + " (start marker at line 1, column 11) (line 1, column 12)", 1, 12),
                Arguments.of("missing value", "{\"events\":[{\"event\":}]}",
                        "malformed JSON: Unexpected character ('}' (code 125)): expected a value (line 1, column 21)", 1, 21),
                Arguments.of("trailing comma on line 3", "\n\n  {\"events\": [1,]}",
                        "malformed JSON: Unexpected character (']' (code 93)): expected a value (line 3, column 17)", 3, 17),
                Arguments.of("a string body", "\"hello\"",
                        "malformed JSON: expected a JSON object or array, found a string (line 1, column 1)", 1, 1),
                Arguments.of("a number body", "42",
                        "malformed JSON: expected a JSON object or array, found a number (line 1, column 1)", 1, 1),
                Arguments.of("trailing number", "{\"events\":[]} 5",
                        "malformed JSON: expected the end of the body, found a number (line 1, column 15)", 1, 15),
                Arguments.of("trailing garbage", "{\"events\":[]} x",
                        "malformed JSON: Unrecognized token 'x': was expecting (JSON String, Number, Array, Object or"
                                + " token 'null', 'true' or 'false') (line 1, column 15)", 1, 15),
                Arguments.of("a second object", "{\"events\":[]}\n{}",
                        "malformed JSON: expected the end of the body, found { (line 2, column 1)", 2, 1),
                Arguments.of("empty body", "", "the request body is empty; expected {\"events\":[…]}", 0, 0),
                Arguments.of("blank body", " \n ", "the request body is empty; expected {\"events\":[…]}", 0, 0),
                Arguments.of("events not an array", "{\"events\":{\"event\":\"x\"}}",
                        "\"events\" must be an array of events, found an object", 0, 0),
                Arguments.of("batch not an array", "{\"api_key\":\"k\",\"batch\":null}",
                        "\"batch\" must be an array of events, found null", 0, 0),
                Arguments.of("an object of no known shape", "{\"foo\":1}",
                        "expected {\"events\":[…]}, {\"batch\":[…]}, an array of events or one event object;"
                                + " found an object with neither \"events\", \"batch\" nor \"event\"", 0, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedBodyNamesWhereTheParserStopped(String variant, String body, String message, long line, long column) {
        assertThatThrownBy(() -> decode(body))
                .isInstanceOfSatisfying(MalformedPayloadException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo(message);
                    assertThat(e.line()).isEqualTo(line);
                    assertThat(e.column()).isEqualTo(column);
                });
    }

    @Test
    void decodingAStreamLeavesItOpenForTheCaller() {
        ClosingTracker in = new ClosingTracker(("{\"events\":[" + VIEW + "]}").getBytes(UTF_8));
        assertThat(EventJson.decode(in, 10).events()).hasSize(1);
        assertThat(in.closed).isFalse();
    }

    @Test
    void ingestBodyRoundTrip() {
        List<Event> events = List.of(VIEW_EVENT,
                new Event("lead_phone", null, null, null, linked("listing_id", "l", "seeker_id", "s", "n", 1.5)),
                new Event("user_logged_in", "u", AT, "u-3", Map.of()));
        byte[] body = EventJson.encodeIngestBody(events);
        assertThat(new String(body, UTF_8)).startsWith("{\"events\":[{\"event\":\"property_view\",\"distinct_id\":\"seeker-1\","
                + "\"timestamp\":\"2025-01-15T10:00:00Z\",\"uuid\":\"u-1\",\"properties\":{\"listing_id\":\"listing-1\"");

        DecodedBatch batch = EventJson.decode(body, 10);
        assertThat(batch.apiKey()).isNull();
        assertThat(batch.events()).extracting(DecodedEvent::event).containsExactlyElementsOf(events);
        assertThat(batch.events()).extracting(DecodedEvent::problem).containsOnlyNulls();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EventJson.writeIngestBody(out, events);
        assertThat(out.toByteArray()).isEqualTo(body);
    }

    @Test
    void postHogBatchRoundTrip() {
        byte[] body = EventJson.encodePostHogBatch("phc_key", List.of(VIEW_EVENT));
        assertThat(new String(body, UTF_8)).startsWith("{\"api_key\":\"phc_key\",\"batch\":[{\"event\":\"property_view\"");
        DecodedBatch batch = EventJson.decode(body, 10);
        assertThat(batch.apiKey()).isEqualTo("phc_key");
        assertThat(only(batch)).isEqualTo(VIEW_EVENT);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EventJson.writePostHogBatch(out, "phc_key", List.of(VIEW_EVENT));
        assertThat(out.toByteArray()).isEqualTo(body);
    }

    @Test
    void oneEventEncodesAsAnObjectThatDecodesBack() {
        String json = EventJson.encode(VIEW_EVENT);
        assertThat(json).isEqualTo("{\"event\":\"property_view\",\"distinct_id\":\"seeker-1\",\"timestamp\":"
                + "\"2025-01-15T10:00:00Z\",\"uuid\":\"u-1\",\"properties\":{\"listing_id\":\"listing-1\","
                + "\"is_logged_in\":true,\"position\":3}}");
        assertThat(only(decode(json))).isEqualTo(VIEW_EVENT);
    }

    static Map<String, Object> linked(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    static final class ClosingTracker extends ByteArrayInputStream {
        boolean closed;

        ClosingTracker(byte[] bytes) {
            super(bytes);
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
