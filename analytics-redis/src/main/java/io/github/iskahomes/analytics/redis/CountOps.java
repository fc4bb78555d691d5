package io.github.iskahomes.analytics.redis;

import java.util.ArrayList;
import java.util.List;

/**
 * One (day, uuid shard) of per-type event counts for a batch: one {@link Script#COUNT} call. Each event's uuid is
 * marked in one of the shard's marker buckets (KEYS[2..]) and counted only if the marker is new. On a standalone Redis
 * that marker is the event's only one: its entity-day segments refer to it. Not thread-safe: one batch's planning
 * owns it.
 */
final class CountOps {
    private final List<String> keys = new ArrayList<>(8);
    /** Per first-level bucket of the shard: its position in KEYS, 0 while the call has none of its markers. */
    private final int[] positions;
    private final String expiry;
    /** How many first-level marker buckets the shard has: the script creates them all with the shard's first count. */
    private final String buckets;
    /** Per event: its bucket's KEYS position, its marker and its event type. */
    private final List<String> positionsOf = new ArrayList<>();
    private final List<Marker> markers = new ArrayList<>();
    private final List<String> types = new ArrayList<>();
    /** Where the call's answers are: its place among the batch's count calls. */
    final int index;

    CountOps(String countsKey, String expiry, int buckets, int index) {
        keys.add(countsKey);
        this.expiry = expiry;
        this.buckets = Integer.toString(buckets);
        this.positions = new int[buckets];
        this.index = index;
    }

    /**
     * Counts an event of {@code type} once per uuid, marked in its first-level bucket ({@link Keys#eventMarks});
     * returns its part of the reply.
     */
    int add(Marker marker, String type) {
        int bucket = Keys.firstBucket(marker, positions.length);
        int position = positions[bucket];
        if (position == 0) {
            keys.add(Keys.eventMarks(keys.get(0), bucket));
            position = keys.size();
            positions[bucket] = position;
        }
        positionsOf.add(ScriptCall.position(position));
        markers.add(marker);
        types.add(type);
        return markers.size() - 1;
    }

    /** How many events the call counts (its reply's length). */
    int size() {
        return markers.size();
    }

    /** The call; its ARGV (the markers' texts) are made when it is encoded (ScriptCall). */
    ScriptCall call() {
        return new ScriptCall(Script.COUNT, keys.toArray(new String[0]), () -> {
            String[] args = new String[2 + 4 * markers.size()];
            args[0] = expiry;
            args[1] = buckets;
            int a = 2;
            for (int i = 0; i < markers.size(); i++) {
                Marker marker = markers.get(i);
                args[a++] = positionsOf.get(i);
                args[a++] = marker.field();
                args[a++] = marker.value();
                args[a++] = types.get(i);
            }
            return args;
        }, size());
    }
}
