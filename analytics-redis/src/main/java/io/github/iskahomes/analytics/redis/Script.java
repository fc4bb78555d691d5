package io.github.iskahomes.analytics.redis;

import io.github.iskahomes.analytics.core.internal.Resources;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script and its SHA-1, the name {@code EVALSHA} knows it by. The scripts' text lives in {@code .lua} resources
 * next to this class: {@code functions.lua} holds the shared {@code apply} and {@code count} functions, and each
 * script is those functions followed by its own short body ({@code apply.lua}, {@code count.lua}, {@code many.lua}).
 */
record Script(String body, String sha) {

    static Script of(String body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(body.getBytes(StandardCharsets.UTF_8));
            return new Script(body, HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }

    /** The most ARGV elements one multi-element op unpacks (Lua's C stack allows about 8000). */
    static final int MAX_UNPACK = 1000;

    /**
     * Applies the mutations of one or more events to one entity-day (one hash slot), each at most once per uuid.
     * KEYS[1..n] are keys of that day, all expiring at ARGV[1]; on a Cluster (one call per slot) KEYS[1] is the
     * entity-day's counters hash, which is also its first marker bucket. KEYS[n+1..] are lead keys that span days: their expiry only ever moves later.
     * ARGV[2] = n, ARGV[3] = lead-action cap, then one segment per event: one argument of bytes, its head, then its
     * texts. The head holds its dedupe check ({@code 'm'}: a {@link Marker}'s field and value follow as two ARGV,
     * checked and added in the marker bucket; {@code '#'} and k: the k-th event count of the same {@link #MANY} script
     * decides; {@code '-'}: no check, for idempotent index entries), its op count, its texts' count, then each op's
     * {@link Op} code, its key's position in KEYS (a day key's from 1; a span key's as 32768 + j, the j-th after the n
     * day keys, since a segment is written before its call's day keys are all known) and a count where its
     * {@link Op.Shape} has one; the texts follow as that shape says. The writer keeps a counted op at most {@link #MAX_UNPACK} elements, since {@code unpack}
     * of a range is limited by Lua's C stack. The check and the ops of one segment are atomic together, so an event is
     * never half-applied to a slot. Returns one 1 (applied now) or 0 (applied before) per segment.
     *
     * <p>A day's expiry is one absolute instant, the same for every write, so a day key needs EXPIREAT only in the
     * call that creates it; the script tells creation from each command's reply (INCRBY answering its own increment,
     * HSET or SADD adding something, a sketch's companion counter answering its own sum, the counters hash's first
     * HINCRBY answering its own sum with HLEN 1, a marker bucket's HLEN 0) instead of paying an EXPIREAT per key per
     * call. Counter ops
     * ({@link Op#COUNTER}) are not run where they stand: the script sums them per field over the segments whose check
     * passed and, after the last segment, runs one HINCRBY per field. The whole call is one script, so a batch cut by
     * a failure is cut between calls, never between a marker and its increments. A replied increment can only
     * over-report creation (a counter that came back to exactly the increment), which costs one harmless EXPIREAT.
     * Span keys touched by an applied segment are checked every time, since their expiry moves.
     */
    static final Script APPLY = load("apply.lua");

    /**
     * Counts events per type for one day and uuid shard, at most once per uuid. KEYS[1] = the shard's hash of counts
     * per type, KEYS[2..] = the first-level marker buckets its events fall in; ARGV[1] = the day's expiry, ARGV[2] =
     * the shard's number of first-level buckets, then per event its {@link Marker}'s field and value, then the call's
     * event types, and last one argument of bytes: per event its bucket's 16-bit position in KEYS and its type's index
     * among those types. The shard's number of markers ({@code @marks} in the counts hash) picks the
     * level of buckets new markers go to; each level's buckets are made all at once, with the day's expiry, when the
     * shard reaches it ({@code @level}). Returns one 1 (counted now) or 0
     * (counted before) per event, and notes the same per event for the {@code '#', k} checks of later parts of a
     * {@link #MANY} script. The counts of one type are summed over the call and added with one HINCRBY; the counts
     * hash gets the day's expiry (one fixed instant) with its first level of buckets.
     */
    static final Script COUNT = load("count.lua");

    /**
     * For a standalone Redis, where any keys may share a call: the calls of a whole batch as one. ARGV is a sequence
     * of parts, each one argument of bytes (its kind, key count and argument count) followed by that many arguments of
     * a {@link #APPLY} ({@code a}) or {@link #COUNT} ({@code c}) call, whose keys come next in KEYS; an {@code a} part's
     * head also holds its number of day keys, and its expiry and cap come first; an {@code A} part is an apply call
     * without them, which are the last {@code a} part's, and with only day keys. Each part behaves exactly as its own call
     * would; the reply is the parts' replies concatenated. The whole batch is atomic, so the counts come first and an
     * event's entity-day segments take their check from its count ({@code '#'} and k): one marker per event.
     */
    static final Script MANY = load("many.lua");

    /** Every script, in the order they are loaded. */
    static final List<Script> ALL = List.of(APPLY, COUNT, MANY);

    /** The shared functions followed by the body in the resource {@code name}. */
    private static Script load(String name) {
        return of(resource("functions.lua") + resource(name));
    }

    private static String resource(String name) {
        // Class#getResourceAsStream finds a resource of this class's own module, also when it is a named module.
        return Resources.text(Script.class.getResourceAsStream(name), "Lua resource " + name);
    }
}
