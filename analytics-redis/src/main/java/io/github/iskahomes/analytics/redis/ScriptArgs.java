package io.github.iskahomes.analytics.redis;

import io.lettuce.core.protocol.CommandArgs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The arguments of one {@code EVALSHA} (sha, key count, KEYS, ARGV) written straight from the call's arrays. A batch's
 * call carries thousands of arguments; Lettuce's own {@link CommandArgs} would wrap each in an argument object of its
 * own, grow a list for them, and encode each through the codec. The client profile showed that as a large share of
 * the client's time per event, so this writes the RESP bulk strings itself, with {@link Utf8Codec}'s exact lengths.
 * The bytes on the wire are exactly those Lettuce would write. Immutable once built; Lettuce's I/O thread encodes it.
 */
final class ScriptArgs extends CommandArgs<String, String> {
    private final String sha;
    private final String[] keys;
    private final String[] args;

    ScriptArgs(String sha, String[] keys, String[] args) {
        super(Utf8Codec.INSTANCE);
        this.sha = sha;
        this.keys = keys;
        this.args = args;
    }

    @Override
    public int count() {
        return 2 + keys.length + args.length;
    }

    /** The first key, by which a Cluster connection routes the call to its slot's master. */
    @Override
    public ByteBuffer getFirstEncodedKey() {
        return keys.length == 0 ? null : ByteBuffer.wrap(keys[0].getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void encode(ByteBuf buf) {
        // One growth of the buffer up front instead of many doublings on the way: every argument takes its text,
        // at most 6 bytes of header ("$" and up to 3 digits and CRLF, for the short texts a call carries) and a CRLF.
        long estimate = 16L * count() + sha.length();
        for (String key : keys) {
            estimate += key.length();
        }
        for (String arg : args) {
            estimate += arg.length();
        }
        buf.ensureWritable((int) Math.min(estimate, Integer.MAX_VALUE - 64));
        bulk(buf, sha);
        bulk(buf, ScriptCall.position(keys.length));
        for (String key : keys) {
            bulk(buf, key);
        }
        for (String arg : args) {
            bulk(buf, arg);
        }
    }

    /** {@code "$<n>\r\n"} for the lengths most arguments have, written with one call instead of a byte per digit. */
    private static final byte[][] HEADERS = new byte[256][];

    static {
        for (int n = 0; n < HEADERS.length; n++) {
            HEADERS[n] = ("$" + n + "\r\n").getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** One RESP bulk string: its length header, its UTF-8 bytes and CRLF. */
    static void bulk(ByteBuf buf, String text) {
        // getBytes: the JDK checks a Latin-1 string for non-ASCII bytes with a vectorised intrinsic and copies it in
        // one go, where a char-by-char length scan and then a char-by-char write were the top frames of the profile.
        // Strings that are not ASCII take the Netty path, whose UTF-8 (an unpaired surrogate as '?') Lettuce's codec
        // has always sent.
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == text.length()) {
            header(buf, bytes.length);
            buf.writeBytes(bytes);
        } else {
            header(buf, Utf8Codec.utf8Length(text));
            ByteBufUtil.writeUtf8(buf, text);
        }
        crlf(buf);
    }

    /** CR then LF, as one big-endian short. */
    private static final int CRLF_SHORT = ('\r' << 8) | '\n';

    /** The CRLF that ends a bulk string. */
    static void crlf(ByteBuf buf) {
        buf.writeShort(CRLF_SHORT);
    }

    /** A bulk string's {@code "$<length>\r\n"}. */
    static void header(ByteBuf buf, int length) {
        if (length < HEADERS.length) {
            buf.writeBytes(HEADERS[length]);
        } else {
            buf.writeByte('$');
            buf.writeBytes(Integer.toString(length).getBytes(StandardCharsets.US_ASCII));
            crlf(buf);
        }
    }

    @Override
    public String toCommandString() {
        return sha + " " + keys.length + " " + String.join(" ", keys) + (args.length == 0 ? "" : " " + args.length
                + " arguments");
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + " [" + toCommandString() + "]";
    }
}
