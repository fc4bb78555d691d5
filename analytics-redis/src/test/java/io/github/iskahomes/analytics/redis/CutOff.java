package io.github.iskahomes.analytics.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iskahomes.analytics.core.StoreUnavailableException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Cuts a batch off after a number of script calls, as a crash or a lost connection would: the calls before the cut
 * reach Redis and are applied, every later one fails as an unavailable Redis does. Off until {@link #after(int)};
 * one per ingestor, used from the test's thread.
 */
final class CutOff implements ScriptCalls {
    private final boolean asOneCall;
    private final int eventsPerCall;
    private int allowed = Integer.MAX_VALUE;
    private int sent;

    private CutOff(boolean asOneCall, int eventsPerCall) {
        this.asOneCall = asOneCall;
        this.eventsPerCall = eventsPerCall;
    }

    /** A standalone Redis gets one call per hash slot, as a Cluster does: many points to cut at. */
    static CutOff perSlot() {
        return new CutOff(false, ScriptCalls.EVENTS_PER_CALL);
    }

    /**
     * A standalone Redis gets a batch as one call per sub-batch of production's size
     * ({@link ScriptCalls#EVENTS_PER_CALL}): one call for the tests' batches smaller than that.
     */
    static CutOff asOneCall() {
        return new CutOff(true, ScriptCalls.EVENTS_PER_CALL);
    }

    /** A standalone Redis gets a batch as pipelined sub-batches of at most {@code events} events, one call each. */
    static CutOff inSubBatchesOf(int events) {
        return new CutOff(true, events);
    }

    /** How many script calls have been sent since the last {@link #after(int)} (or since it was made). */
    int sent() {
        return sent;
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

    /**
     * Cuts {@link Scenario}'s batch after every possible number of script calls, each time on a fresh ingestor that
     * {@code open} makes for a key prefix of its own ({@code "cut<n>:"}, to append to the test's), retries the whole
     * batch and checks the exact state, and that a replay is all duplicates. Returns how many points there were.
     */
    static int scenarioAtEveryPoint(boolean perSlot, BiFunction<String, CutOff, Ingestor> open) {
        return scenarioAtEveryPoint(() -> perSlot ? perSlot() : asOneCall(), open);
    }

    /** As {@link #scenarioAtEveryPoint(boolean, BiFunction)}, each try's calls made as {@code mode} makes them. */
    static int scenarioAtEveryPoint(Supplier<CutOff> mode, BiFunction<String, CutOff, Ingestor> open) {
        Scenario scenario = new Scenario();
        int cuts = 0;
        for (int cut = 0; ; cut++) {
            CutOff cutOff = mode.get();
            try (Ingestor ingestor = open.apply("cut" + cut + ":", cutOff)) {
                cutOff.after(cut);
                IngestResult first;
                try {
                    first = ingestor.ingest(scenario.events);
                } catch (StoreUnavailableException e) {
                    assertThat(e).hasMessageContaining("cut off after " + cut + " script calls");
                    cuts++;
                    cutOff.off();
                    IngestResult retry = ingestor.ingest(scenario.events);
                    assertThat(retry.ingested() + retry.duplicates()).isEqualTo(25);
                    scenario.assertState(ingestor.reader());
                    assertThat(ingestor.ingest(scenario.events).duplicates()).isEqualTo(25);
                    scenario.assertState(ingestor.reader());
                    continue;
                }
                assertThat(first.ingested()).isEqualTo(25);
                scenario.assertState(ingestor.reader());
                return cuts;
            }
        }
    }

    /**
     * Sends {@link MidnightRetry}'s untimed lead at 23:59:59 cut off after every possible number of script calls,
     * each time on a fresh ingestor that {@code open} makes for a key prefix of its own ({@code "midnight<n>:"}),
     * retries it at 00:00:01 and checks that it counted once, on the first day ({@code probe} reads the keys under
     * that prefix). Returns how many points there were.
     */
    static int midnightRetryAtEveryPoint(BiFunction<String, CutOff, Ingestor> open, Function<String, Probe> probe) {
        int cuts = 0;
        for (int cut = 0; ; cut++) {
            MidnightRetry retry = new MidnightRetry();
            String prefix = "midnight" + cut + ":";
            CutOff cutOff = perSlot();
            try (Ingestor ingestor = open.apply(prefix, cutOff)) {
                ingestor.clock(MidnightRetry.at(MidnightRetry.BEFORE));
                cutOff.after(cut);
                try {
                    ingestor.ingest(List.of(retry.lead));
                } catch (StoreUnavailableException e) {
                    cuts++;
                    cutOff.off();
                    ingestor.clock(MidnightRetry.at(MidnightRetry.AFTER));
                    IngestResult second = ingestor.ingest(List.of(retry.lead));
                    assertThat(second.ingested() + second.duplicates()).isEqualTo(1);
                    retry.assertCountedOnceOnTheFirstDay(ingestor.reader(), probe.apply(prefix));
                    continue;
                }
                retry.assertCountedOnceOnTheFirstDay(ingestor.reader(), probe.apply(prefix));
                return cuts;
            }
        }
    }

    @Override
    public Future<Object> send(ScriptCall call, Function<ScriptCall, Future<Object>> redis) {
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

    @Override
    public int eventsPerCall() {
        return eventsPerCall;
    }
}
