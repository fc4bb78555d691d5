package io.github.iskahomes.analytics.redis;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One {@code ingest} call as an {@link IngestorListener} hears it: what became of its events and how long it took.
 * Every event of the call is in exactly one of {@code ingested}, {@code duplicates} and {@code rejected}.
 *
 * @param ingested   events applied by the call
 * @param duplicates events whose uuid had already been applied (not counted again)
 * @param rejected   events refused, each with its reason and {@link io.github.iskahomes.analytics.core.RejectionCategory}
 * @param elapsed    the call's time from entry to result: validation and the Redis round trips
 */
public record IngestBatch(int ingested, int duplicates, List<IngestResult.Rejection> rejected, Duration elapsed) {

    /**
     * @throws NullPointerException     if {@code rejected} or {@code elapsed} is null
     * @throws IllegalArgumentException if a count or the duration is negative
     */
    public IngestBatch {
        rejected = List.copyOf(rejected);
        Objects.requireNonNull(elapsed, "elapsed");
        if (ingested < 0 || duplicates < 0 || elapsed.isNegative()) {
            throw new IllegalArgumentException("counts and elapsed must not be negative: " + ingested + ", "
                    + duplicates + ", " + elapsed);
        }
    }

    /** The batch of an ingest call's result. */
    static IngestBatch of(IngestResult result, Duration elapsed) {
        return new IngestBatch(result.ingested(), result.duplicates(), result.rejected(), elapsed);
    }

    /** Events the call carried: ingested + duplicates + rejected. */
    public int total() {
        return ingested + duplicates + rejected.size();
    }
}
