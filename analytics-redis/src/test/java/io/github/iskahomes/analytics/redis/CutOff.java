package io.github.iskahomes.analytics.redis;

import io.github.iskahomes.analytics.core.StoreUnavailableException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Cuts a batch off after a number of script calls, as a crash or a lost connection would: the calls before the cut
 * reach Redis and are applied, every later one fails as an unavailable Redis does. Off until {@link #after(int)};
 * one per ingestor, used from the test's thread.
 */
final class CutOff implements ScriptCalls {
    private final boolean asOneCall;
    private int allowed = Integer.MAX_VALUE;
    private int sent;

    private CutOff(boolean asOneCall) {
        this.asOneCall = asOneCall;
    }

    /** A standalone Redis gets one call per hash slot, as a Cluster does: many points to cut at. */
    static CutOff perSlot() {
        return new CutOff(false);
    }

    /** A standalone Redis gets a batch as one call, as in production. */
    static CutOff asOneCall() {
        return new CutOff(true);
    }

    /** From now on, lets {@code calls} more script calls through and fails every one after them. */
    CutOff after(int calls) {
        allowed = calls;
        sent = 0;
        return this;
    }

    /** Lets every call through again. */
    void off() {
        allowed = Integer.MAX_VALUE;
    }

    @Override
    public Future<Object> send(BatchWriter.Call call, Function<BatchWriter.Call, Future<Object>> redis) {
        if (sent >= allowed) {
            return CompletableFuture.failedFuture(new StoreUnavailableException("Redis", "the batch was cut off after "
                    + allowed + " script calls", null));
        }
        sent++;
        return redis.apply(call);
    }

    @Override
    public boolean batchAsOneCall() {
        return asOneCall;
    }
}
