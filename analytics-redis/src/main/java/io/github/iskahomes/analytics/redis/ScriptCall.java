package io.github.iskahomes.analytics.redis;

import java.util.List;
import java.util.function.Supplier;
import java.util.concurrent.Future;

/**
 * One script call of a batch: what goes to Redis ({@link #script}, {@link #keys}, {@link #args()}) and, once
 * {@link ScriptRunner} has run it, its reply: one 0 or 1 per part (an event's segment, or an event count). An
 * entity-day call's ARGV, and a {@link Script#MANY} call's, are made when first asked for, which is when Lettuce's I/O
 * thread encodes the call: that work then overlaps the caller's planning of the next sub-batch instead of adding to it.
 */
final class ScriptCall {
    final Script script;
    final String[] keys;
    /** How many 0/1 answers its reply has. */
    final int parts;
    Future<Object> future;
    Object result;
    private Supplier<String[]> make;
    private String[] args;

    ScriptCall(Script script, String[] keys, String[] args, int parts) {
        this.script = script;
        this.keys = keys;
        this.args = args;
        this.parts = parts;
    }

    /** A call whose ARGV {@code make} gives when first asked for, on whichever thread asks (once). */
    ScriptCall(Script script, String[] keys, Supplier<String[]> make, int parts) {
        this.script = script;
        this.keys = keys;
        this.make = make;
        this.parts = parts;
    }

    /** The call's ARGV. Made once; the planning that made the call must be over (it is once the call is sent). */
    synchronized String[] args() {
        if (args == null) {
            args = make.get();
            make = null;
        }
        return args;
    }

    /** The reply read once as flags: every event of a batch asks for its parts. */
    private boolean[] answers;
    private Object answered;

    /** Whether the script applied its {@code part}-th part (its reply is one 0 or 1 per part). */
    boolean applied(int part) {
        if (answered != result || answers == null) {
            answers = new boolean[parts];
            if (result instanceof List<?> list) {
                int p = 0;
                for (Object answer : list) {
                    if (p == parts) {
                        break;
                    }
                    answers[p++] = answer instanceof Long one && one == 1L;
                }
            }
            answered = result;
        }
        return answers[part];
    }

    /** The calls as one {@link Script#MANY} call (on a standalone Redis only: their keys may be in any slots). */
    static ScriptCall many(List<ScriptCall> calls) {
        int keyCount = 0;
        int parts = 0;
        for (ScriptCall call : calls) {
            keyCount += call.keys.length;
            parts += call.parts;
        }
        String[] keyArray = new String[keyCount];
        int k = 0;
        for (ScriptCall call : calls) {
            System.arraycopy(call.keys, 0, keyArray, k, call.keys.length);
            k += call.keys.length;
        }
        List<ScriptCall> packed = List.copyOf(calls);
        return new ScriptCall(Script.MANY, keyArray, () -> {
            int argCount = 0;
            for (ScriptCall call : packed) {
                argCount += 3 + call.args().length;
            }
            String[] args = new String[argCount];
            int a = 0;
            String[] header = null;
            for (ScriptCall call : packed) {
                String[] own = call.args();
                int from = 0;
                if (call.script == Script.COUNT) {
                    args[a++] = "c";
                } else if (header != null && sharesHeader(header, own, call.keys.length)) {
                    // An apply part with the last full one's expiry and cap, and only day keys: 'A', without them
                    // (3 of the 15-17 ARGV of an entity-day part, each a Lua string Redis makes per call).
                    args[a++] = "A";
                    from = APPLY_HEADER;
                } else {
                    args[a++] = "a";
                    header = own;
                }
                args[a++] = position(call.keys.length);
                args[a++] = position(own.length - from);
                System.arraycopy(own, from, args, a, own.length - from);
                a += own.length - from;
            }
            return a == args.length ? args : java.util.Arrays.copyOf(args, a);
        }, parts);
    }

    /** An {@link Script#APPLY} call's ARGV header: the day's expiry, its number of day keys, the lead-action cap. */
    private static final int APPLY_HEADER = 3;

    /** Whether an apply call's header is {@code header}'s (expiry and cap) with all of its {@code keys} day keys. */
    private static boolean sharesHeader(String[] header, String[] own, int keys) {
        return own[0].equals(header[0]) && own[2].equals(header[2]) && own[1].equals(position(keys));
    }

    /** Hands each of the calls packed into this {@link Script#MANY} call its share of the reply. */
    void split(List<ScriptCall> calls) {
        if (!(result instanceof List<?> list) || list.size() != parts) {
            throw new IllegalStateException("the batch script answered " + result + " for " + parts + " parts");
        }
        int from = 0;
        for (ScriptCall call : calls) {
            call.result = list.subList(from, from + call.parts);
            from += call.parts;
        }
    }

    /** KEYS positions and counts as ARGV text, shared: a call rarely has more than a dozen keys. */
    private static final String[] POSITIONS = new String[64];

    static {
        for (int i = 0; i < POSITIONS.length; i++) {
            POSITIONS[i] = Integer.toString(i);
        }
    }

    static String position(int p) {
        return p < POSITIONS.length ? POSITIONS[p] : Integer.toString(p);
    }
}
