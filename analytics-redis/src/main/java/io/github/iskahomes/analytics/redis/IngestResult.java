package io.github.iskahomes.analytics.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.iskahomes.analytics.core.RejectionCategory;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What one {@link Ingestor#ingest} call did. Its JSON form ({@link #toJson()}) is the ingest answer (success, ingested, byDay) plus duplicates
 * and rejections: {@code {"success":true,"ingested":45,"duplicates":0,"byDay":{"20250115":45},"rejected":[]}}.
 *
 * <p>Every event of the request is counted in exactly one of {@code ingested}, {@code duplicates} and
 * {@code rejected}. An event is {@code ingested} when this call changed Redis for it (in at least one of the hash
 * slots it touches); it is a duplicate when its uuid had already been applied everywhere it applies (an earlier
 * call, or an earlier element of this request with the same uuid). An event whose earlier attempt was cut off
 * half-way by a failure is completed by the retry and reported as {@code ingested} by it.
 *
 * @param ingested   events applied by this call
 * @param duplicates events whose uuid was already applied (not counted again)
 * @param byDay      ingested events per business day, keyed {@code YYYYMMDD}, in day order
 * @param rejected   events refused, with their position in the request and the reason
 */
public record IngestResult(int ingested, int duplicates, Map<String, Integer> byDay, List<Rejection> rejected) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public IngestResult {
        byDay = Collections.unmodifiableMap(new TreeMap<>(byDay));
        rejected = List.copyOf(rejected);
    }

    /**
     * One refused event.
     *
     * @param index  its 0-based position in the request
     * @param uuid   the uuid the client gave it, or {@code null}
     * @param reason   why, as a sentence a user can act on ({@code "listing_id is missing"})
     * @param category what kind of problem it is, for counting rejections by kind (never part of the JSON answer)
     */
    public record Rejection(int index, String uuid, String reason, RejectionCategory category) {
        public Rejection {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(category, "category");
        }

        /** A rejection of category {@link RejectionCategory#OTHER}. */
        public Rejection(int index, String uuid, String reason) {
            this(index, uuid, reason, RejectionCategory.OTHER);
        }
    }

    /** Events the request carried: ingested + duplicates + rejected. */
    public int total() {
        return ingested + duplicates + rejected.size();
    }

    /** The JSON body an ingest endpoint answers with. */
    public String toJson() {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("success", true);
        json.put("ingested", ingested);
        json.put("duplicates", duplicates);
        ObjectNode days = json.putObject("byDay");
        byDay.forEach(days::put);
        ArrayNode refused = json.putArray("rejected");
        for (Rejection rejection : rejected) {
            ObjectNode entry = refused.addObject();
            entry.put("index", rejection.index());
            if (rejection.uuid() == null) {
                entry.putNull("uuid");
            } else {
                entry.put("uuid", rejection.uuid());
            }
            entry.put("reason", rejection.reason());
        }
        try {
            return MAPPER.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }
}
