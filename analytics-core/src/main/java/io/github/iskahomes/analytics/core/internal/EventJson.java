package io.github.iskahomes.analytics.core.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.MalformedPayloadException;
import io.github.iskahomes.analytics.core.PayloadTooLargeException;
import io.github.iskahomes.analytics.core.RejectionCategory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON forms of events. Reads the three body shapes an ingest endpoint receives and writes the two the batcher
 * sends. Thread-safe.
 *
 * <p>Accepted bodies: the ingest body {@code {"events":[…]}}, PostHog's batch {@code {"api_key":…,"batch":[…]}}, a bare
 * array of events, and a single PostHog capture event {@code {"event":…,"distinct_id":…,"properties":{…}}}. In each
 * event, {@code distinct_id} is read from the top level, {@code $distinct_id} or {@code properties.distinct_id};
 * camelCase property names listed in {@link Properties} are rewritten to snake_case; {@code timestamp} is ISO-8601
 * (with an offset) or epoch milliseconds. Elements are decoded one by one while the body streams in, so a large batch
 * is never held as one tree.
 */
public final class EventJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    private EventJson() {
    }

    /**
     * Decodes a request body.
     *
     * @param body      the body, already decompressed; read to its end but not closed
     * @param maxEvents the most events accepted in one body
     * @throws MalformedPayloadException if the body is not JSON or has none of the accepted shapes (the message
     *                                   names the line and column)
     * @throws PayloadTooLargeException  if the body holds more than {@code maxEvents} events
     * @throws UncheckedIOException      if reading the stream fails
     */
    public static DecodedBatch decode(InputStream body, int maxEvents) {
        try (JsonParser parser = FACTORY.createParser(body)) {
            // The body stream is the caller's (a servlet's request stream): read it, never close it.
            parser.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new MalformedPayloadException("the request body is empty; expected {\"events\":[…]}", 0, 0, null);
            }
            if (first == JsonToken.START_ARRAY) {
                List<DecodedEvent> events = readArray(parser, maxEvents);
                expectEnd(parser);
                return new DecodedBatch(null, events);
            }
            if (first != JsonToken.START_OBJECT) {
                throw malformed(parser, "expected a JSON object or array, found " + describe(first));
            }
            String apiKey = null;
            List<DecodedEvent> events = null;
            ObjectNode single = MAPPER.createObjectNode();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ((field.equals("events") || field.equals("batch")) && value == JsonToken.START_ARRAY) {
                    events = readArray(parser, maxEvents);
                } else if ((field.equals("api_key") || field.equals("token")) && value == JsonToken.VALUE_STRING) {
                    apiKey = parser.getText();
                    single.put(field, apiKey);
                } else {
                    single.set(field, MAPPER.readTree(parser));
                }
            }
            expectEnd(parser);
            if (events == null) {
                for (String arrayField : new String[] {"events", "batch"}) {
                    if (single.has(arrayField) && !single.has("event")) {
                        throw new MalformedPayloadException("\"" + arrayField + "\" must be an array of events, found "
                                + kind(single.get(arrayField)), 0, 0, null);
                    }
                }
                if (!single.has("event")) {
                    throw new MalformedPayloadException("expected {\"events\":[…]}, {\"batch\":[…]}, an array of events"
                            + " or one event object; found an object with neither \"events\", \"batch\" nor \"event\"",
                            0, 0, null);
                }
                events = List.of(decodeElement(0, single));
            }
            return new DecodedBatch(apiKey, events);
        } catch (JsonProcessingException e) {
            JsonLocation where = e.getLocation();
            throw new MalformedPayloadException("malformed JSON: " + withoutSource(e.getOriginalMessage()),
                    where == null ? 0 : where.getLineNr(), where == null ? 0 : where.getColumnNr(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the request body failed", e);
        }
    }

    /** Decodes a body held in memory; see {@link #decode(InputStream, int)}. */
    public static DecodedBatch decode(byte[] body, int maxEvents) {
        return decode(new java.io.ByteArrayInputStream(body), maxEvents);
    }

    private static List<DecodedEvent> readArray(JsonParser parser, int maxEvents) throws IOException {
        List<DecodedEvent> events = new ArrayList<>();
        int index = 0;
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            if (index >= maxEvents) {
                throw new PayloadTooLargeException("the request has more than " + maxEvents
                        + " events; at most " + maxEvents + " are allowed per request");
            }
            JsonNode element = MAPPER.readTree(parser);
            events.add(decodeElement(index++, element));
        }
        return events;
    }

    private static void expectEnd(JsonParser parser) throws IOException {
        JsonToken trailing = parser.nextToken();
        if (trailing != null) {
            throw malformed(parser, "expected the end of the body, found " + describe(trailing));
        }
    }

    /** A token as a user would name it: {@code a string}, {@code a number}, <code>{</code>. */
    private static String describe(JsonToken token) {
        return switch (token) {
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.asString() == null ? token.name() : token.asString();
        };
    }

    private static final java.util.regex.Pattern SOURCE_LOCATION =
            java.util.regex.Pattern.compile("\\[Source: [^;\\]]*; line: (\\d+), column: (\\d+)\\]");

    /**
     * Jackson's message without its "[Source: REDACTED …]" notes, which tell a client nothing; the line and column
     * they carry are kept.
     */
    private static String withoutSource(String message) {
        return message == null ? "unreadable JSON"
                : SOURCE_LOCATION.matcher(message).replaceAll("line $1, column $2");
    }

    private static MalformedPayloadException malformed(JsonParser parser, String message) {
        // Where the offending value starts: the current location may already be inside it.
        JsonLocation where = parser.currentTokenLocation();
        return new MalformedPayloadException("malformed JSON: " + message, where.getLineNr(), where.getColumnNr(), null);
    }

    private static DecodedEvent decodeElement(int index, JsonNode node) {
        if (node == null || !node.isObject()) {
            return new DecodedEvent(index, null, "the element is " + kind(node) + ", not an event object");
        }
        JsonNode propertiesNode = node.get("properties");
        Map<String, Object> properties = new LinkedHashMap<>();
        String problem = null;
        if (propertiesNode != null && propertiesNode.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = propertiesNode.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                String key = Properties.canonical(field.getKey());
                Object value = MAPPER.convertValue(field.getValue(), Object.class);
                if (key.equals(field.getKey())) {
                    properties.put(key, value);
                } else {
                    // The snake_case name wins over its alias whatever their order in the body.
                    properties.putIfAbsent(key, value);
                }
            }
        } else if (propertiesNode != null && !propertiesNode.isNull()) {
            problem = "properties is " + kind(propertiesNode) + ", not an object";
        }
        String name = text(node.get("event"));
        String distinctId = firstText(node.get("distinct_id"), node.get("$distinct_id"), node.get("distinctId"),
                propertiesNode == null ? null : propertiesNode.get("distinct_id"),
                propertiesNode == null ? null : propertiesNode.get("$distinct_id"));
        String uuid = text(node.get("uuid"));
        Instant timestamp = null;
        JsonNode timestampNode = node.get("timestamp");
        if (timestampNode != null && !timestampNode.isNull()) {
            timestamp = parseTimestamp(timestampNode);
            if (timestamp == null && problem == null) {
                problem = "timestamp " + timestampNode + " is not an ISO-8601 date-time with an offset"
                        + " (such as 2025-01-15T10:00:00Z) nor epoch milliseconds";
            }
        }
        Event event = new Event(name, distinctId, timestamp, uuid, properties);
        if (name == null && problem == null) {
            return node.has("event") ? new DecodedEvent(index, event, "event name is not a string")
                    : new DecodedEvent(index, event, "event name is missing", RejectionCategory.MISSING_PROPERTY);
        }
        return new DecodedEvent(index, event, problem);
    }

    private static Instant parseTimestamp(JsonNode node) {
        if (node.isIntegralNumber()) {
            return Instant.ofEpochMilli(node.asLong());
        }
        if (!node.isTextual()) {
            return null;
        }
        String text = node.asText();
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    private static String firstText(JsonNode... candidates) {
        for (JsonNode candidate : candidates) {
            String text = text(candidate);
            if (text != null && !text.isEmpty()) {
                return text;
            }
        }
        return null;
    }

    private static String text(JsonNode node) {
        if (node == null || node.isNull() || node.isContainerNode()) {
            return null;
        }
        return node.isTextual() ? node.asText() : node.isNumber() || node.isBoolean() ? node.asText() : null;
    }

    private static String kind(JsonNode node) {
        if (node == null || node.isNull()) {
            return "null";
        }
        if (node.isArray()) {
            return "an array";
        }
        if (node.isObject()) {
            return "an object";
        }
        if (node.isTextual()) {
            return "a string";
        }
        if (node.isNumber()) {
            return "a number";
        }
        return "a boolean";
    }

    /** The ingest body: {@code {"events":[…]}}. */
    public static byte[] encodeIngestBody(List<Event> events) {
        return encode(out -> writeBody(out, "events", null, events));
    }

    /** PostHog's batch capture body: {@code {"api_key":…,"batch":[…]}}, each event keeping its uuid. */
    public static byte[] encodePostHogBatch(String apiKey, List<Event> events) {
        return encode(out -> writeBody(out, "batch", apiKey, events));
    }

    /**
     * Writes the ingest body to a stream and closes it, which also finishes a gzip stream.
     *
     * @throws UncheckedIOException if writing fails
     */
    static void writeIngestBody(OutputStream out, List<Event> events) {
        try {
            writeBody(out, "events", null, events);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes PostHog's batch body to a stream and closes it.
     *
     * @throws UncheckedIOException if writing fails
     */
    static void writePostHogBatch(OutputStream out, String apiKey, List<Event> events) {
        try {
            writeBody(out, "batch", apiKey, events);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One event as a JSON object. */
    public static String encode(Event event) {
        return new String(encode(out -> {
            try (JsonGenerator json = FACTORY.createGenerator(out)) {
                writeEvent(json, event);
            }
        }), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void writeBody(OutputStream out, String arrayName, String apiKey, List<Event> events)
            throws IOException {
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartObject();
            if (apiKey != null) {
                json.writeStringField("api_key", apiKey);
            }
            json.writeArrayFieldStart(arrayName);
            for (Event event : events) {
                writeEvent(json, event);
            }
            json.writeEndArray();
            json.writeEndObject();
        }
    }

    private static void writeEvent(JsonGenerator json, Event event) throws IOException {
        json.writeStartObject();
        json.writeStringField("event", event.name());
        if (event.distinctId() != null) {
            json.writeStringField("distinct_id", event.distinctId());
        }
        if (event.timestamp() != null) {
            json.writeStringField("timestamp", event.timestamp().toString());
        }
        if (event.uuid() != null) {
            json.writeStringField("uuid", event.uuid());
        }
        json.writeFieldName("properties");
        MAPPER.writeValue(json, event.properties());
        json.writeEndObject();
    }

    private interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private static byte[] encode(Writer writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try {
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
