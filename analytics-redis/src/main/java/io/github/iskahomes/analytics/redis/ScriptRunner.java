package io.github.iskahomes.analytics.redis;

import io.lettuce.core.RedisFuture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a batch's script calls as one pipeline and gives each call its reply. On a standalone Redis the calls of a
 * sub-batch go as one {@link Script#MANY} call (per-call overhead dominates Redis's time there), and a batch's
 * sub-batches are started one after the other without waiting ({@link #start}, then {@link #complete}); a Cluster
 * gets one call per hash slot. Scripts a server lost ({@code NOSCRIPT}) are loaded again and the affected calls re-sent. Every call goes
 * through the {@link ScriptCalls} seam. Stateless apart from the store; thread-safe.
 */
final class ScriptRunner {
    private static final Logger log = LoggerFactory.getLogger(ScriptRunner.class);

    private final RedisStore store;
    private final ScriptCalls calls;
    /** Whether a batch goes as one {@link Script#MANY} call: on a standalone Redis any keys may share a call. */
    private final boolean oneCall;

    ScriptRunner(RedisStore store, ScriptCalls calls, boolean oneCall) {
        this.store = store;
        this.calls = calls;
        this.oneCall = oneCall;
    }

    /** Runs the calls, in order, and sets each one's {@link ScriptCall#result}. */
    void run(List<ScriptCall> batch) {
        complete(List.of(start(batch)));
    }

    /**
     * Queues the calls (packed into one {@link Script#MANY} call on a standalone Redis) and flushes them, without
     * waiting for their replies: the caller plans its next sub-batch while Redis runs this one, and then gives every
     * started sub-batch to {@link #complete}, in order.
     */
    Started start(List<ScriptCall> calls) {
        List<ScriptCall> sent = oneCall && calls.size() > 1 ? List.of(ScriptCall.many(calls)) : calls;
        queue(sent, false);
        store.flush();
        return new Started(calls, sent);
    }

    /** Calls on their way: the planned ones and what went to Redis for them (the same, or their {@code MANY} call). */
    record Started(List<ScriptCall> calls, List<ScriptCall> sent) {
    }

    /**
     * Waits for every started call, in order, and sets each planned call's {@link ScriptCall#result}. Calls Redis
     * answered {@code NOSCRIPT} to (it ran none of them) are sent again once the scripts are loaded; each call is one
     * atomic script of events of its own, so their order among the calls that did run does not matter.
     */
    void complete(List<Started> started) {
        long deadline = store.deadline();
        List<ScriptCall> reload = new ArrayList<>();
        for (Started s : started) {
            reload.addAll(await(s.sent, deadline));
        }
        if (!reload.isEmpty()) {
            log.info("{} does not know the ingest scripts (restarted or flushed?); loading them again", store.server());
            loadScripts();
            List<ScriptCall> stillUnknown = send(reload, false);
            // A node that still lacks them (a failover in between): EVAL carries the script itself.
            if (!stillUnknown.isEmpty() && !send(stillUnknown, true).isEmpty()) {
                throw new IllegalStateException("EVAL answered NOSCRIPT");
            }
        }
        for (Started s : started) {
            if (s.sent != s.calls) {
                s.sent.get(0).split(s.calls);
            }
        }
    }

    /** SCRIPT LOAD of every script (on every master of a Cluster), so that EVALSHA finds them. */
    void loadScripts() {
        List<RedisFuture<String>> loads = new ArrayList<>();
        for (Script script : Script.ALL) {
            // The byte[] form is the one Lettuce's Cluster API sends to every master.
            loads.add(store.async().scriptLoad(script.body().getBytes(StandardCharsets.UTF_8)));
        }
        store.flush();
        long deadline = store.deadline();
        for (RedisFuture<String> load : loads) {
            store.await(load, deadline);
        }
    }

    /** Queues every call, flushes once, waits; returns the calls Redis answered NOSCRIPT to. */
    private List<ScriptCall> send(List<ScriptCall> batch, boolean load) {
        queue(batch, load);
        store.flush();
        return await(batch, store.deadline());
    }

    private void queue(List<ScriptCall> batch, boolean load) {
        Function<ScriptCall, Future<Object>> redis =
                call -> store.script(call, load);
        for (ScriptCall call : batch) {
            call.future = calls.send(call, redis);
        }
    }

    /** Waits for each queued call's reply; returns the calls Redis answered NOSCRIPT to. */
    private List<ScriptCall> await(List<ScriptCall> batch, long deadline) {
        List<ScriptCall> noScript = new ArrayList<>();
        for (ScriptCall call : batch) {
            try {
                call.result = store.await(call.future, deadline);
            } catch (RedisStore.NoScript e) {
                noScript.add(call);
            }
        }
        return noScript;
    }
}
