package io.github.iskahomes.analytics.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A script call's ARGV read back as words, for the tests: each binary head ({@link Op}, {@link ScriptCall}) spelled
 * out as the decimal texts and codes it stands for, in the order the script reads them, and the texts as they are.
 * A segment reads {@code <check> <op count> <ops>}, its check {@code <field> <value>} (its own marker),
 * {@code # <k>} (the k-th event count of the script) or {@code '' ''} (none), an op {@code <code> <key> [count]
 * <texts>} with a key that spans days as {@code -j}; a count call {@code <expiry> <buckets>} and per event
 * {@code <bucket's key> <marker field> <marker value> <type>}; a {@code MANY} part {@code <kind> <keys> <words>}
 * and, for {@code a}, {@code <expiry> <day keys> <cap>} before its segments. Fails on any byte the script would not
 * read the same way.
 */
final class WireText {
    private final List<byte[]> args;
    private int at;

    private WireText(List<byte[]> args) {
        this.args = args;
    }

    static List<String> of(ScriptCall call) {
        WireText wire = new WireText(call.args());
        List<String> words = new ArrayList<>();
        if (call.script == Script.APPLY) {
            wire.apply(words, wire.args.size());
        } else if (call.script == Script.COUNT) {
            wire.count(words, wire.args.size());
        } else {
            wire.many(words);
        }
        if (wire.at != wire.args.size()) {
            throw new AssertionError("the call's ARGV end after " + wire.at + " of " + wire.args.size());
        }
        return words;
    }

    private String text() {
        return new String(args.get(at++), StandardCharsets.UTF_8);
    }

    private void apply(List<String> words, int last) {
        words.add(text());
        int dayKeys = Integer.parseInt(text());
        words.add(Integer.toString(dayKeys));
        words.add(text());
        segments(words, last);
    }

    private void segments(List<String> words, int last) {
        while (at < last) {
            Head head = new Head(args.get(at++));
            int check = head.u8();
            if (check == '#') {
                words.add("#");
                words.add(Integer.toString(head.u24()));
            } else if (check == 'm') {
                words.add(text());
                words.add(text());
            } else if (check == '-') {
                words.add("");
                words.add("");
            } else {
                throw new AssertionError("a segment's check is " + check);
            }
            int ops = head.u16();
            int texts = head.u24();
            int textsFrom = at;
            words.add(Integer.toString(ops));
            for (int o = 0; o < ops; o++) {
                char code = (char) head.u8();
                Op op = java.util.Arrays.stream(Op.values()).filter(kind -> kind.code.charAt(0) == code).findFirst()
                        .orElseThrow(() -> new AssertionError("no op " + code));
                words.add(op.code);
                int position = head.u16();
                words.add(Integer.toString(position > Op.SPAN_KEYS ? Op.SPAN_KEYS - position : position));
                int elements = 1;
                if (op.headBytes() == 5) {
                    elements = head.u16();
                    words.add(Integer.toString(elements));
                }
                for (int t = 0; t < op.texts(elements); t++) {
                    words.add(text());
                }
            }
            head.end();
            if (at - textsFrom != texts) {
                throw new AssertionError("a segment's head counts " + texts + " texts; its ops took " + (at - textsFrom));
            }
        }
    }

    private void count(List<String> words, int last) {
        words.add(text());
        words.add(text());
        Head places = new Head(args.get(last - 1));
        int events = places.bytes.length / 3;
        int typesFrom = at + 2 * events;
        for (int e = 0; e < events; e++) {
            words.add(Integer.toString(places.u16()));
            words.add(text());
            words.add(text());
            words.add(new String(args.get(typesFrom + places.u8()), StandardCharsets.UTF_8));
        }
        places.end();
        at = last;
    }

    private void many(List<String> words) {
        while (at < args.size()) {
            Head head = new Head(args.get(at++));
            char kind = (char) head.u8();
            int keys = head.u24();
            int last = at + head.u24();
            List<String> part = new ArrayList<>();
            if (kind == 'a') {
                int dayKeys = head.u24();
                part.add(text());
                part.add(Integer.toString(dayKeys));
                part.add(text());
                segments(part, last);
            } else if (kind == 'A') {
                segments(part, last);
            } else if (kind == 'c') {
                count(part, last);
            } else {
                throw new AssertionError("a MANY part's kind is " + kind);
            }
            head.end();
            words.add(String.valueOf(kind));
            words.add(Integer.toString(keys));
            words.add(Integer.toString(part.size()));
            words.addAll(part);
        }
    }

    /** A binary argument, read from its start. */
    private static final class Head {
        final byte[] bytes;
        int p;

        Head(byte[] bytes) {
            this.bytes = bytes;
        }

        int u8() {
            return bytes[p++] & 0xFF;
        }

        int u16() {
            return u8() << 8 | u8();
        }

        int u24() {
            return u16() << 8 | u8();
        }

        void end() {
            if (p != bytes.length) {
                throw new AssertionError("a head of " + bytes.length + " bytes was read to " + p);
            }
        }
    }
}
