package io.github.iskahomes.analytics.jdbc;

import java.util.Collection;

/**
 * Counts the distinct members of a union of persisted day sketches (the Redis HyperLogLog bytes kept in the
 * {@code *_hll} columns). Only Redis can read its own HyperLogLog encoding, so the usual implementation is the
 * reader's {@code unionCount}: {@code SketchUnion union = ingestor.reader()::unionCount;}. Implementations must be
 * thread-safe.
 */
@FunctionalInterface
public interface SketchUnion {
    /** The estimated number of distinct members in the union of {@code sketches} (0 for none). */
    long unionCount(Collection<byte[]> sketches);
}
