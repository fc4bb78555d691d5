package io.github.iskahomes.analytics.redis.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.iskahomes.analytics.core.EntityKind;
import io.github.iskahomes.analytics.core.LeadAction;
import io.github.iskahomes.analytics.core.MalformedPayloadException;
import java.time.Instant;
import java.util.Locale;

/**
 * The forms core's values take in Redis: the key word of an entity kind and the JSON of a lead action. Stateless and
 * thread-safe.
 */
public final class RedisForms {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private RedisForms() {
    }

    /** The word that starts a kind's Redis keys and index names: {@code listing}, {@code user}, {@code development}. */
    public static String keyName(EntityKind kind) {
        return KEY_NAMES[kind.ordinal()];
    }

    /** Computed once: every key of every event starts with one (the client profile showed the lower-casing). */
    private static final String[] KEY_NAMES = java.util.Arrays.stream(EntityKind.values())
            .map(kind -> kind.name().toLowerCase(Locale.ROOT)).toArray(String[]::new);

    /**
     * A lead action as stored in Redis (and copied into the {@code lead_actions} JSON array):
     * {@code {"uuid":"u-1","type":"phone","at":"2025-01-15T10:00:00Z","context":"listing_page"}}, without
     * {@code context} when it has none.
     */
    public static String encodeLeadAction(LeadAction action) {
        // Written by hand, each text quoted by Jackson's own escaper: the same text as an ObjectNode's, without the
        // tree (an ObjectNode per lead was a tenth of the writer's planning time on the marketplace mix).
        StringBuilder json = new StringBuilder(96).append("{\"uuid\":\"");
        QUOTE.quoteAsString(action.uuid(), json);
        json.append("\",\"type\":\"");
        QUOTE.quoteAsString(action.type(), json);
        json.append("\",\"at\":\"").append(action.at());
        if (action.context() != null) {
            json.append("\",\"context\":\"");
            QUOTE.quoteAsString(action.context(), json);
        }
        return json.append("\"}").toString();
    }

    private static final JsonStringEncoder QUOTE = JsonStringEncoder.getInstance();

    /**
     * Reads a lead action written by {@link #encodeLeadAction(LeadAction)}.
     *
     * @throws MalformedPayloadException if the text is not such an action
     */
    public static LeadAction decodeLeadAction(String json) {
        try {
            JsonNode node = MAPPER.readTree(json);
            return new LeadAction(node.get("uuid").asText(), node.get("type").asText(),
                    Instant.parse(node.get("at").asText()), text(node.get("context")));
        } catch (JsonProcessingException | RuntimeException e) {
            throw new MalformedPayloadException("not a lead action: " + json, 0, 0, e);
        }
    }

    /** A scalar as text; {@code null} for a missing, null or container node. */
    private static String text(JsonNode node) {
        if (node == null || node.isNull() || node.isContainerNode()) {
            return null;
        }
        return node.isTextual() || node.isNumber() || node.isBoolean() ? node.asText() : null;
    }
}
