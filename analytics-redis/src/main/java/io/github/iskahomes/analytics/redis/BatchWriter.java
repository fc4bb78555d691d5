package io.github.iskahomes.analytics.redis;

import io.github.iskahomes.analytics.core.internal.MutationPlan;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.SetArgs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a batch's mutation plans to Redis in three steps, each its own class: {@link WritePlanner} maps the
 * mutations to {@link Op}s per hash slot, {@link EntityDayOps}, {@link IndexOps} and {@link CountOps} encode them as
 * script calls, and {@link ScriptRunner} sends the calls as one pipeline and reads their answers. Each event gives
 * one {@link Script#APPLY} segment per entity it touches (listing, lister, development; a lead's keys share its
 * listing's slot) and one event count ({@link Script#COUNT}, per day and uuid shard), each batch one idempotent
 * {@link Script#APPLY} call per index shard touched. On a Cluster every call checks its events' {@link Marker}s in a
 * marker bucket of its own slot; on a standalone Redis all of a batch's calls go as one {@link Script#MANY} call, in
 * which an event's count marker guards all of it. Stateless apart from the store; thread-safe.
 */
final class BatchWriter {
    private final RedisStore store;
    private final Keys keys;
    private final IngestorConfig config;
    private final WritePlanner planner;
    private final ScriptRunner runner;

    BatchWriter(RedisStore store, Keys keys, IngestorConfig config, ScriptCalls calls) {
        this.store = store;
        this.keys = keys;
        this.config = config;
        boolean oneCall = !store.isCluster() && calls.batchAsOneCall();
        this.planner = new WritePlanner(keys, config, oneCall);
        this.runner = new ScriptRunner(store, calls, oneCall);
    }

    /** What the batch did to each event: whether any of its calls applied something. */
    boolean[] write(List<MutationPlan> plans) {
        WritePlanner.WritePlan plan = planner.plan(plans);
        runner.run(plan.calls());
        return plan.applied();
    }

    /**
     * The timestamp each uuid of an event sent without one keeps on every try: the one its first try was given.
     * {@code firstTries} holds the timestamp this try would give (the arrival time, or a UUIDv7's time); for each uuid
     * a {@code SET NX EXAT} stores it unless an earlier try stored one, and a {@code GET} reads what is stored. Both
     * go in one pipelined round trip; each uuid is one key, so this works the same on a Cluster. A uuid is pinned
     * before any of its mutations is sent, so a try cut off by a failure has always pinned its timestamp first, and a
     * try whose pinning failed sent nothing. The key expires with the day it pins, like the dedupe markers it points
     * the retry to.
     */
    Map<String, Instant> pinTimestamps(Map<String, Instant> firstTries) {
        var async = store.async();
        List<RedisFuture<String>> sets = new ArrayList<>(firstTries.size());
        List<RedisFuture<String>> gets = new ArrayList<>(firstTries.size());
        for (Map.Entry<String, Instant> entry : firstTries.entrySet()) {
            String key = keys.uuidTimestamp(entry.getKey());
            Instant at = entry.getValue();
            sets.add(async.set(key, Long.toString(at.toEpochMilli()),
                    SetArgs.Builder.nx().exAt(planner.expiry(config.calendar().dayOf(at)))));
            gets.add(async.get(key));
        }
        store.flush();
        long deadline = store.deadline();
        Map<String, Instant> pinned = new HashMap<>(firstTries.size() * 2);
        int i = 0;
        for (Map.Entry<String, Instant> entry : firstTries.entrySet()) {
            store.await(sets.get(i), deadline);
            String stored = store.await(gets.get(i++), deadline);
            // null only if the key expired between the two commands: the day it pinned is gone, this try starts anew.
            pinned.put(entry.getKey(), stored == null ? entry.getValue() : Instant.ofEpochMilli(Long.parseLong(stored)));
        }
        return pinned;
    }

    /** SCRIPT LOAD of every script (on every master of a Cluster), so that EVALSHA finds them. */
    void loadScripts() {
        runner.loadScripts();
    }
}
