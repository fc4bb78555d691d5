package io.github.iskahomes.analytics.redis;

import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The entity-day metadata fields (lister_id, …) an Ingestor has written lately, so that it need not write them again:
 * most events of a listing-day carry the same metadata, and its HSET was a fifth of Redis's work per property view.
 * An event's metadata of one entity-day (counters hash, fields, values) is remembered by a 64-bit signature in a table of
 * {@value #SLOTS} slots in sets of two (1 MiB): a newer signature in the same slot replaces the older, which only means one more
 * HSET. A signature is added once the batch that wrote it has run, never before, so a failed or cut batch's
 * metadata is always sent again. The table is emptied every {@value #FORGET_MINUTES} minutes, so that metadata that
 * a lossy failover took away comes back with the entity-day's next events. Thread-safe.
 */
final class MetadataCache {
    static final int SLOTS = 1 << 17;
    static final int FORGET_MINUTES = 10;
    private static final long FORGET_NANOS = FORGET_MINUTES * 60_000_000_000L;

    private final AtomicLongArray table = new AtomicLongArray(SLOTS);
    private volatile long clearedAt = System.nanoTime();

    /** Whether the metadata of {@code signature} was written lately. */
    boolean contains(long signature) {
        int slot = slot(signature);
        return table.get(slot) == signature || table.get(slot + 1) == signature;
    }

    /** Remembers metadata that a batch has written, in place of one of the two signatures of its set. */
    void add(long signature) {
        int slot = slot(signature);
        if (table.get(slot) != signature && table.get(slot + 1) != signature) {
            table.lazySet(slot + (int) (signature >>> 63), signature);
        }
    }

    /** Empties the table when it is older than {@value #FORGET_MINUTES} minutes (checked once per batch). */
    void expire(long nanoTime) {
        if (nanoTime - clearedAt > FORGET_NANOS) {
            clearedAt = nanoTime;
            for (int i = 0; i < SLOTS; i++) {
                table.lazySet(i, 0);
            }
        }
    }

    /** The signature of a hash key, computed once per entity-day and batch. */
    static long keySignature(String key) {
        return Hash64.of(0x9E3779B97F4A7C15L, key);
    }

    /** The signature of an event's metadata fields and values (in pairs) of the hash whose key signs {@code key}. */
    static long signature(long key, List<String> fieldsAndValues) {
        long h = key;
        for (String text : fieldsAndValues) {
            h = Hash64.of(h, text);
        }
        // Never 0: an empty slot holds 0.
        return h == 0 ? 1 : h;
    }

    /** The first of the two slots a signature may be in (2-way set-associative, so two hot hashes can share). */
    private static int slot(long signature) {
        return (int) (signature ^ signature >>> 32) & (SLOTS - 2);
    }
}
