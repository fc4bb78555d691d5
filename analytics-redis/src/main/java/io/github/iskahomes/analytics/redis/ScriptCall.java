package io.github.iskahomes.analytics.redis;

import java.util.List;
import java.util.concurrent.Future;

/**
 * One script call of a batch: what goes to Redis ({@link #script}, {@link #keys}, its ARGV) and, once
 * {@link ScriptRunner} has run it, its reply: one 0 or 1 per part (an event's segment, or an event count). An
 * {@link Script#APPLY} call's ARGV start with its {@link Header}; the rest is its {@link Body}, which the writer has
 * mostly encoded as RESP already while it planned ({@link Resp}): Lettuce's I/O thread only copies it into the
 * command ({@link #writeArgs}).
 */
final class ScriptCall {
    /**
     * An {@link Script#APPLY} call's first three ARGV: the day's expiry, how many of its keys are day keys (the rest
     * span days), the lead-action cap. A {@link Script#MANY} part with the last full part's expiry and cap and only
     * day keys leaves them out ({@code 'A'}).
     */
    record Header(String expiry, int dayKeys, String cap) {
        boolean sharedBy(Header next, int keys) {
            return next.expiry.equals(expiry) && next.cap.equals(cap) && next.dayKeys == keys;
        }
    }

    /** A call's ARGV after its header, written when the call is encoded. */
    interface Body {
        int count();

        void writeTo(Resp out);

        /** A body of these texts. */
        static Body of(String... args) {
            return new Body() {
                @Override
                public int count() {
                    return args.length;
                }

                @Override
                public void writeTo(Resp out) {
                    for (String arg : args) {
                        out.bulk(arg);
                    }
                }
            };
        }
    }

    final Script script;
    final String[] keys;
    /** An {@link Script#APPLY} call's header; {@code null} for the others. */
    final Header header;
    private final Body body;
    /** How many 0/1 answers its reply has. */
    final int parts;
    Future<Object> future;
    Object result;

    ScriptCall(Script script, String[] keys, Header header, Body body, int parts) {
        this.script = script;
        this.keys = keys;
        this.header = header;
        this.body = body;
        this.parts = parts;
    }

    /** How many ARGV the call has. */
    int argCount() {
        return (header == null ? 0 : 3) + body.count();
    }

    /** The call's ARGV as RESP bulk strings; the planning that made the call must be over (it is once it is sent). */
    void writeArgs(Resp out) {
        if (header != null) {
            out.bulk(header.expiry);
            out.bulk(position(header.dayKeys));
            out.bulk(header.cap);
        }
        body.writeTo(out);
    }

    /** The call's ARGV as bytes: for the tests, which decode the wire. */
    List<byte[]> args() {
        Resp out = new Resp(1024);
        writeArgs(out);
        return out.bulks();
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
        return new ScriptCall(Script.MANY, keyArray, null, new Many(List.copyOf(calls)), parts);
    }

    /**
     * A {@link Script#MANY} call's ARGV: per call one argument of bytes, its head (its kind {@code 'a'}, {@code 'A'}
     * or {@code 'c'}, its 24-bit key count, the 24-bit count of its ARGV after the head and, for {@code 'a'}, its
     * 24-bit number of day keys), then its ARGV. An apply call whose header the last full one's is goes as {@code 'A'}:
     * no expiry or cap, each a Lua string Redis would make per call.
     */
    private record Many(List<ScriptCall> calls) implements Body {
        @Override
        public int count() {
            int count = 0;
            Header last = null;
            for (ScriptCall call : calls) {
                boolean shared = shares(last, call);
                count += 1 + (call.header != null && !shared ? 2 : 0) + call.body.count();
                last = shared || call.header == null ? last : call.header;
            }
            return count;
        }

        @Override
        public void writeTo(Resp out) {
            Header last = null;
            for (ScriptCall call : calls) {
                boolean shared = shares(last, call);
                boolean full = call.header != null && !shared;
                out.open(full ? 10 : 7);
                out.u8(call.header == null ? 'c' : shared ? 'A' : 'a');
                out.u24(call.keys.length);
                out.u24((full ? 2 : 0) + call.body.count());
                if (full) {
                    out.u24(call.header.dayKeys);
                }
                out.close();
                if (full) {
                    out.bulk(call.header.expiry);
                    out.bulk(call.header.cap);
                }
                call.body.writeTo(out);
                last = shared || call.header == null ? last : call.header;
            }
        }

        /** Whether {@code call} is an apply call that goes as {@code 'A'} after the full part whose header is last. */
        private static boolean shares(Header last, ScriptCall call) {
            return call.header != null && last != null && last.sharedBy(call.header, call.keys.length);
        }
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
    private static final String[] POSITIONS = new String[256];

    static {
        for (int i = 0; i < POSITIONS.length; i++) {
            POSITIONS[i] = Integer.toString(i);
        }
    }

    static String position(int p) {
        return p < POSITIONS.length ? POSITIONS[p] : Integer.toString(p);
    }
}
