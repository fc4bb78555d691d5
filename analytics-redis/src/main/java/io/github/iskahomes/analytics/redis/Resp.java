package io.github.iskahomes.analytics.redis;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A command's RESP bulk strings, written into a per-thread array and then into Lettuce's buffer in one write
 * ({@link #writeTo}). A ByteBuf write checks bounds and accessibility every time, and three writes per argument
 * (header, text, CRLF) were the top frame of the client's profile. The bytes are exactly those Lettuce's codec
 * would write. Confined to the encoding thread (Lettuce's I/O threads): {@link #start} hands each thread its own.
 */
final class Resp {
    /** The largest array a thread keeps between commands (a MANY call of 50 events takes about 20 KiB). */
    private static final int KEPT = 1 << 20;
    private static final ThreadLocal<Resp> OWN = ThreadLocal.withInitial(Resp::new);
    /** {@code "$<n>\r\n"} for the lengths most arguments have. */
    private static final byte[][] HEADERS = new byte[256][];

    static {
        for (int n = 0; n < HEADERS.length; n++) {
            HEADERS[n] = ("$" + n + "\r\n").getBytes(StandardCharsets.US_ASCII);
        }
    }

    private byte[] bytes = new byte[32 * 1024];
    private int size;

    private Resp() {
    }

    /** This thread's writer, emptied. */
    static Resp start() {
        Resp resp = OWN.get();
        resp.size = 0;
        return resp;
    }

    /**
     * One bulk string: its length header, its UTF-8 bytes and CRLF. getBytes: the JDK checks a Latin-1 string for
     * non-ASCII bytes with a vectorised intrinsic and copies it in one go; an unpaired surrogate becomes '?', as in
     * the Netty UTF-8 that Lettuce's codec sends.
     */
    void bulk(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        header(utf8.length);
        put(utf8);
        crlf();
    }

    /** One bulk string made of three parts: a key's fixed head and tail around its id. */
    void bulk(byte[] head, String middle, byte[] tail) {
        byte[] utf8 = middle.getBytes(StandardCharsets.UTF_8);
        header(head.length + utf8.length + tail.length);
        put(head);
        put(utf8);
        put(tail);
        crlf();
    }

    /** Everything written since {@link #start}, into {@code buf}. */
    void writeTo(ByteBuf buf) {
        buf.writeBytes(bytes, 0, size);
        if (bytes.length > KEPT) {
            OWN.remove(); // a rare huge command does not pin its array to the I/O thread
        }
    }

    private void header(int length) {
        if (length < HEADERS.length) {
            put(HEADERS[length]);
        } else {
            room(1);
            bytes[size++] = '$';
            put(Integer.toString(length).getBytes(StandardCharsets.US_ASCII));
            crlf();
        }
    }

    private void put(byte[] part) {
        room(part.length);
        System.arraycopy(part, 0, bytes, size, part.length);
        size += part.length;
    }

    private void crlf() {
        room(2);
        bytes[size++] = '\r';
        bytes[size++] = '\n';
    }

    private void room(int more) {
        if (bytes.length - size < more) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
