package io.github.iskahomes.analytics.redis;

import java.util.List;
import java.util.concurrent.Future;

/**
 * One script call of a batch: what goes to Redis ({@link #script}, {@link #keys}, {@link #args}) and, once
 * {@link ScriptRunner} has run it, its reply: one 0 or 1 per part (an event's segment, or an event count).
 */
final class ScriptCall {
    final Script script;
    final String[] keys;
    final String[] args;
    /** How many 0/1 answers its reply has. */
    final int parts;
    Future<Object> future;
    Object result;

    ScriptCall(Script script, String[] keys, String[] args, int parts) {
        this.script = script;
        this.keys = keys;
        this.args = args;
        this.parts = parts;
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
        int argCount = 0;
        int parts = 0;
        for (ScriptCall call : calls) {
            keyCount += call.keys.length;
            argCount += 3 + call.args.length;
            parts += call.parts;
        }
        String[] keyArray = new String[keyCount];
        String[] args = new String[argCount];
        int k = 0;
        int a = 0;
        for (ScriptCall call : calls) {
            System.arraycopy(call.keys, 0, keyArray, k, call.keys.length);
            k += call.keys.length;
            args[a++] = call.script == Script.COUNT ? "c" : "a";
            args[a++] = position(call.keys.length);
            args[a++] = position(call.args.length);
            System.arraycopy(call.args, 0, args, a, call.args.length);
            a += call.args.length;
        }
        return new ScriptCall(Script.MANY, keyArray, args, parts);
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
