package io.github.iskahomes.analytics.redis;

import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * What {@link ScriptRunner} does around each script call it sends: the seam through which the tests put a failure at
 * an exact point of a batch (cut off after some of its calls, as a crash or a lost connection leaves it) and send a
 * standalone Redis one call per hash slot, as a Cluster gets. Production uses {@link #DIRECT}, which changes nothing.
 */
interface ScriptCalls {
    /** Sends every call as it is; a standalone Redis gets a batch as one call per sub-batch. */
    ScriptCalls DIRECT = new ScriptCalls() {
    };

    /**
     * Sends one queued call: {@code redis} queues it on the connection (the runner flushes and waits afterwards) and
     * returns its answer to come. An implementation may instead return a failed answer, which the runner meets as it
     * would a failure of Redis.
     */
    default Future<Object> send(ScriptCall call, Function<ScriptCall, Future<Object>> redis) {
        return redis.apply(call);
    }

    /**
     * Whether a standalone Redis gets a batch as one {@link Script#MANY} call per sub-batch (see
     * {@link #eventsPerCall()}); {@code false} splits it into one call per hash slot, as on a Cluster. A Cluster
     * always gets one call per slot.
     */
    default boolean batchAsOneCall() {
        return true;
    }

    /**
     * When a batch goes as one call per sub-batch (a standalone Redis): the most events one call carries. Smaller
     * sub-batches let Redis start sooner and overlap more with the client's planning; each call costs Redis its own
     * per-call work (the counts per shard, a bucket's length), so not too small. {@code IngestBenchmark} measured the
     * default.
     */
    default int eventsPerCall() {
        return EVENTS_PER_CALL;
    }

    /** See {@link #eventsPerCall()}. */
    int EVENTS_PER_CALL = 50;
}
