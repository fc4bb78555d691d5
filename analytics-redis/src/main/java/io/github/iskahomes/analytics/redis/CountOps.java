package io.github.iskahomes.analytics.redis;

import java.util.ArrayList;
import java.util.List;

/**
 * One (day, uuid shard) of per-type event counts for a batch: one {@link Script#COUNT} call. Each event's uuid is
 * marked in one of the shard's marker buckets (KEYS[2..]) and counted only if the marker is new. On a standalone Redis
 * that marker is the event's only one: its entity-day segments refer to it. The ARGV are written as RESP as the
 * events are added ({@link Resp}): the markers' halves straight from their numbers; each event's bucket position and
 * type go as bytes of the call's last argument ({@link #places}), its types once each before it. Not thread-safe:
 * one batch's planning owns it.
 */
final class CountOps implements ScriptCall.Body {
    private final List<String> keys = new ArrayList<>(8);
    /** Per first-level bucket of the shard: its position in KEYS, 0 while the call has none of its markers. */
    private final int[] positions;
    /** The ARGV: the day's expiry, the shard's number of first-level buckets, then each event's marker. */
    private final Resp args;
    /** Per event its bucket's 16-bit position in KEYS and its type's 8-bit index in {@link #types}. */
    private final Resp places;
    /** The call's event types, in the order they first came. */
    private final List<String> types = new ArrayList<>(4);
    /** The names of the shard's first-level buckets, filled in as they are first used (shared by batches). */
    private final String[] bucketNames;
    private int size;
    /** Where the call's answers are: its place among the batch's count calls. */
    final int index;

    CountOps(String countsKey, String expiry, String[] bucketNames, int index, int events) {
        int buckets = bucketNames.length;
        keys.add(countsKey);
        this.bucketNames = bucketNames;
        this.positions = new int[buckets];
        this.index = index;
        this.args = new Resp(64 + 48 * events);
        this.places = new Resp(3 * events);
        // How many first-level buckets the shard has: the script creates them all with the shard's first count.
        args.bulk(expiry);
        args.bulk(buckets);
    }

    /**
     * Counts an event of {@code type} once per uuid, marked in its first-level bucket ({@link Keys#eventMarks});
     * returns its part of the reply.
     */
    int add(Marker marker, String type) {
        int bucket = Keys.firstBucket(marker, positions.length);
        int position = positions[bucket];
        if (position == 0) {
            String name = bucketNames[bucket];
            if (name == null) {
                // Racing batches make the same immutable text: either may stay.
                name = Keys.eventMarks(keys.get(0), bucket);
                bucketNames[bucket] = name;
            }
            keys.add(name);
            position = keys.size();
            positions[bucket] = position;
        }
        marker.writeTo(args);
        places.u16(position);
        places.u8(typeIndex(type));
        return size++;
    }

    /** The type's index among the call's types (the types are a handful: a scan will do). */
    private int typeIndex(String type) {
        for (int t = 0; t < types.size(); t++) {
            if (types.get(t).equals(type)) {
                return t;
            }
        }
        types.add(type);
        return types.size() - 1;
    }

    /** How many events the call counts (its reply's length). */
    int size() {
        return size;
    }

    ScriptCall call() {
        return new ScriptCall(Script.COUNT, keys.toArray(new String[0]), null, this, size);
    }

    @Override
    public int count() {
        return args.count() + types.size() + 1;
    }

    @Override
    public void writeTo(Resp out) {
        out.copy(args, 0, args.size());
        for (String type : types) {
            out.bulk(type);
        }
        out.open(places.size());
        out.copy(places, 0, places.size());
        out.close();
    }
}
