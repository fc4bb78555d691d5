package io.github.iskahomes.analytics.redis;

import io.lettuce.core.protocol.CommandArgs;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The arguments of one {@code EVALSHA} (sha, key count, KEYS, ARGV), written straight into Lettuce's buffer. A batch's
 * call carries thousands of arguments; Lettuce's own {@link CommandArgs} would wrap each in an argument object of its
 * own, grow a list for them, and encode each through the codec. This writes the sha and the keys as RESP bulk strings
 * itself ({@link Resp}) and then the call's ARGV, which the writer has mostly encoded as RESP already
 * ({@link ScriptCall#writeArgs}). The bytes on the wire are exactly those Lettuce would write. Immutable once built;
 * Lettuce's I/O thread encodes it.
 */
final class ScriptArgs extends CommandArgs<String, String> {
    private final String sha;
    private final String[] keys;
    /** The call whose ARGV these are, written when Lettuce encodes the command. */
    private final ScriptCall call;

    ScriptArgs(ScriptCall call) {
        this(call.script.sha(), call);
    }

    /** The arguments of an {@code EVAL} of the call: its script's body instead of its sha. */
    static ScriptArgs eval(ScriptCall call) {
        return new ScriptArgs(call.script.body(), call);
    }

    /** The arguments of an EVALSHA of {@code sha} with these keys and ARGV. */
    ScriptArgs(String sha, String[] keys, String[] args) {
        this(sha, new ScriptCall(null, keys, null, ScriptCall.Body.of(args), 0));
    }

    private ScriptArgs(String sha, ScriptCall call) { // or the script's body, for EVAL
        super(Utf8Codec.INSTANCE);
        this.sha = sha;
        this.keys = call.keys;
        this.call = call;
    }

    @Override
    public int count() {
        return 2 + keys.length + call.argCount();
    }

    /** The first key, by which a Cluster connection routes the call to its slot's master. */
    @Override
    public ByteBuffer getFirstEncodedKey() {
        return keys.length == 0 ? null : ByteBuffer.wrap(keys[0].getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void encode(ByteBuf buf) {
        Resp out = Resp.start();
        out.bulk(sha);
        out.bulk(ScriptCall.position(keys.length));
        for (String key : keys) {
            out.bulk(key);
        }
        call.writeArgs(out);
        out.writeTo(buf);
    }

    @Override
    public String toCommandString() {
        return (sha.length() == 40 ? sha : "<script>") + " " + keys.length + " " + String.join(" ", keys) + " " + call.argCount() + " arguments";
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + " [" + toCommandString() + "]";
    }
}
