package io.github.iskahomes.analytics.jdbc;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What one {@link Aggregator#run()} did. {@link #toJson()} is the run's summary per table plus the days:
 * {@code {"success":true,"processed":{"listings":{"inserted":234,"errors":[]},…},"finalisedDays":[…],"skippedDays":[…]}}.
 *
 * @param skipped       why the run did nothing ({@value #LOCK_HELD}), or null when it ran
 * @param finalisedDays days whose rows were written, oldest first
 * @param skippedDays   asked-for days Redis no longer (or never) held, or that expired while this run read them:
 *                      left exactly as they were, never overwritten with zeros or a partial reading
 * @param processed     per table: {@code listings}, {@code users}, {@code developments}, {@code leads}
 * @param timings       where the run spent its time, to tell which store is the bottleneck
 */
public record AggregationResult(String skipped, List<LocalDate> finalisedDays, List<LocalDate> skippedDays,
                                Map<String, Processed> processed, Timings timings) {
    /** The {@link #skipped()} reason when another instance is running. */
    public static final String LOCK_HELD = "another run holds the lock";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public AggregationResult {
        finalisedDays = List.copyOf(finalisedDays);
        skippedDays = List.copyOf(skippedDays);
        processed = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(processed));
        Objects.requireNonNull(timings, "timings");
    }

    /**
     * Where a run's time went.
     *
     * @param redis    reading Redis (and everything else that is not a PostgreSQL statement)
     * @param postgres executing the upserts and roll-ups in PostgreSQL
     */
    public record Timings(java.time.Duration redis, java.time.Duration postgres) {
        static final Timings NONE = new Timings(java.time.Duration.ZERO, java.time.Duration.ZERO);
    }

    /** Rows written for one table, and the entities that could not be written. */
    public record Processed(long inserted, List<EntityError> errors) {
        public Processed {
            errors = List.copyOf(errors);
        }
    }

    /**
     * One entity (or lead) that could not be written; the rest of the run still committed.
     *
     * @param id     the entity id; for a lead {@code "listing <listing_id>, seeker <seeker_id>"}, and for one action
     *               of a lead (the lead itself was written) {@code "listing <listing_id>, seeker <seeker_id>, action
     *               <uuid>"}
     * @param day    the day being aggregated
     * @param reason why, as a sentence
     */
    public record EntityError(String id, LocalDate day, String reason) {
        public EntityError {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(reason, "reason");
        }
    }

    static AggregationResult lockHeld() {
        return new AggregationResult(LOCK_HELD, List.of(), List.of(), Map.of(), Timings.NONE);
    }

    /** Whether the run did its work (false only when it was skipped because another run holds the lock). */
    public boolean success() {
        return skipped == null;
    }

    /** The rows written for a table ({@code listings}, {@code users}, {@code developments}, {@code leads}), 0 if none. */
    public long inserted(String table) {
        Processed p = processed.get(table);
        return p == null ? 0 : p.inserted();
    }

    /** The errors of a table, empty if none. */
    public List<EntityError> errors(String table) {
        Processed p = processed.get(table);
        return p == null ? List.of() : p.errors();
    }

    /** The JSON summary, with the finalised and skipped days (timings are left out: they vary per run). */
    public String toJson() {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("success", success());
        if (skipped != null) {
            json.put("skipped", skipped);
        }
        ObjectNode tables = json.putObject("processed");
        processed.forEach((table, p) -> {
            ObjectNode node = tables.putObject(table);
            node.put("inserted", p.inserted());
            var errors = node.putArray("errors");
            for (EntityError error : p.errors()) {
                errors.addObject().put("id", error.id()).put("day", error.day().toString())
                        .put("reason", error.reason());
            }
        });
        var finalised = json.putArray("finalisedDays");
        finalisedDays.forEach(d -> finalised.add(d.toString()));
        var skippedArray = json.putArray("skippedDays");
        skippedDays.forEach(d -> skippedArray.add(d.toString()));
        try {
            return MAPPER.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }
}
