package io.github.iskahomes.analytics.redis;

import io.github.iskahomes.analytics.core.internal.MutationPlan;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.SetArgs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes a batch's mutation plans to Redis in three steps, each its own class: {@link WritePlanner} maps the
 * mutations to {@link Op}s per hash slot, {@link EntityDayOps}, {@link IndexOps} and {@link CountOps} encode them as
 * script calls, and {@link ScriptRunner} sends the calls as one pipeline and reads their answers. Each event gives
 * one {@link Script#APPLY} segment per entity it touches (listing, lister, development; a lead's keys share its
 * listing's slot) and one event count ({@link Script#COUNT}, per day and uuid shard), each batch one idempotent
 * {@link Script#APPLY} call per index shard touched. On a Cluster every call checks its events' {@link Marker}s in a
 * marker bucket of its own slot; on a standalone Redis the calls of a sub-batch go as one {@link Script#MANY} call, in
 * which an event's count marker guards all of it, and a batch alone on the connection goes as pipelined sub-batches
 * ({@link Stream}). Thread-safe: it keeps only the count of batches being written.
 */
final class BatchWriter {
    private final RedisStore store;
    private final Keys keys;
    private final IngestorConfig config;
    private final WritePlanner planner;
    private final ScriptRunner runner;
    /** Events per script call of a sub-batch, when a batch is cut into pipelined sub-batches; 0: never cut. */
    private final int eventsPerCall;
    /** Batches being written right now, by all callers: a batch is cut into sub-batches only when it is alone. */
    private final AtomicInteger writing = new AtomicInteger();

    BatchWriter(RedisStore store, Keys keys, IngestorConfig config, ScriptCalls calls) {
        this.store = store;
        this.keys = keys;
        this.config = config;
        boolean oneCall = !store.isCluster() && calls.batchAsOneCall();
        this.planner = new WritePlanner(keys, config, oneCall);
        this.runner = new ScriptRunner(store, calls, oneCall);
        // On a Cluster a batch is one call per slot already, and cutting it would only split an entity-day's events
        // over more calls; with one call per slot on a standalone Redis (the tests' seam), the same.
        this.eventsPerCall = oneCall ? calls.eventsPerCall() : 0;
    }

    /** What the batch did to each event: whether any of its calls applied something. */
    boolean[] write(List<MutationPlan> plans) {
        Stream stream = stream(plans.size());
        for (int i = 0; i < plans.size(); i++) {
            stream.add(plans.get(i), i);
        }
        return stream.finish();
    }

    /** A batch to write, its events added one by one; see {@link Stream}. */
    Stream stream(int expected) {
        // Another caller's batch on its way means Redis has work while this one is planned: nothing to overlap, and
        // sub-batches would only cost Redis their per-call work (counts per shard, bucket lengths, index adds).
        boolean alone = writing.getAndIncrement() == 0;
        return new Stream(alone ? eventsPerCall : 0, expected);
    }

    /**
     * A batch's writes on their way. On a standalone Redis the batch goes as sub-batches of at most
     * {@link ScriptCalls#eventsPerCall()} events, each one {@link Script#MANY} call that is sent as soon as it is
     * planned: Redis runs sub-batch k while this thread validates and plans k+1, where one call per batch had Redis
     * wait for the whole batch's planning and then the client for Redis. A sub-batch is cut between events, never
     * inside one, so an event's count marker and all its entity-day segments stay in one atomic script, and a batch
     * cut by a failure between sub-batches is retried exactly as one cut between the calls of a Cluster. A batch is
     * cut only when no other caller's batch is being written: then Redis already has work while this one is planned.
     * On a Cluster the whole batch is planned at {@link #finish()} and sent as one pipeline of calls per slot. Not
     * thread-safe: one ingest call owns it.
     */
    final class Stream {
        private final int eventsPerCall;
        /**
         * How many events the batch's last sub-batch should have: the caller waits for Redis to run it with nothing
         * left to plan, so a small one shortens that wait (a quarter of {@link #eventsPerCall}).
         */
        private final int tail;
        /** How many events the batch has, rejected ones included; the tail is cut by it. */
        private final int expected;
        private final List<MutationPlan> pending = new ArrayList<>();
        private final List<WritePlanner.WritePlan> planned = new ArrayList<>(4);
        private final List<ScriptRunner.Started> started = new ArrayList<>(4);
        private int events;
        private boolean finished;

        private Stream(int eventsPerCall, int expected) {
            this.eventsPerCall = eventsPerCall;
            this.tail = eventsPerCall / 4;
            this.expected = expected;
        }

        /**
         * Adds the batch's next event, the {@code position}-th of the batch (rejected events have positions too); may
         * send a sub-batch.
         */
        void add(MutationPlan plan, int position) {
            pending.add(plan);
            events++;
            if (eventsPerCall > 0 && (pending.size() == eventsPerCall
                    || tail > 0 && expected - position - 1 == tail && expected > eventsPerCall)) {
                send();
            }
        }

        private void send() {
            WritePlanner.WritePlan plan = planner.plan(pending);
            pending.clear();
            planned.add(plan);
            started.add(runner.start(plan.calls()));
        }

        /** Sends what is left, waits for every call, and says for each event added whether it applied something. */
        boolean[] finish() {
            try {
                if (!pending.isEmpty()) {
                    send();
                }
                runner.complete(started);
            } finally {
                done();
            }
            boolean[] applied = new boolean[events];
            int at = 0;
            for (WritePlanner.WritePlan plan : planned) {
                boolean[] part = plan.applied();
                System.arraycopy(part, 0, applied, at, part.length);
                at += part.length;
            }
            return applied;
        }

        /**
         * Ends this batch's share of {@link #writing}; {@link #finish()} does, and the ingestor calls it when the
         * batch ends otherwise (nothing to write, or a failure before). Idempotent.
         */
        void done() {
            if (!finished) {
                finished = true;
                writing.decrementAndGet();
            }
        }
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
