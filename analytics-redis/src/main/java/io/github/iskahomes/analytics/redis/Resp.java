package io.github.iskahomes.analytics.redis;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * RESP bulk strings in a growable byte array: a script call's arguments written as the bytes Redis reads, without a
 * {@code String} or {@code byte[]} per argument in between. The writer encodes an event's ops into a batch's array
 * as they are planned ({@link EntityDayOps}, {@link CountOps}), numbers and counter fields straight from their
 * values; Lettuce's I/O thread then copies those bytes into the command with the rest of the call ({@link #start},
 * {@link #writeTo}). A ByteBuf write checks bounds and accessibility every time, which is why one array is filled
 * first and written in one go. The bytes are exactly those Lettuce's codec would write. Not thread-safe: a batch's
 * planning owns its array, and each I/O thread its own {@link #start} writer.
 */
final class Resp {
    /** The largest array a thread keeps between commands (a MANY call of 50 events takes about 20 KiB). */
    private static final int KEPT = 1 << 20;
    private static final ThreadLocal<Resp> OWN = ThreadLocal.withInitial(() -> new Resp(32 * 1024));
    /** {@code "$<n>\r\n"} for the lengths most arguments have. */
    private static final byte[][] HEADERS = new byte[256][];

    static {
        for (int n = 0; n < HEADERS.length; n++) {
            HEADERS[n] = ("$" + n + "\r\n").getBytes(StandardCharsets.US_ASCII);
        }
    }

    private byte[] bytes;
    private int size;
    /** How many bulk strings were written since the last {@link #start} (slices copied in are not counted). */
    private int count;

    Resp(int capacity) {
        bytes = new byte[capacity];
    }

    /** This thread's writer, emptied. */
    static Resp start() {
        Resp resp = OWN.get();
        resp.size = 0;
        resp.count = 0;
        return resp;
    }

    /** Bytes written so far: where the next bulk string starts. */
    int size() {
        return size;
    }

    /** Bulk strings written so far. */
    int count() {
        return count;
    }

    /**
     * One bulk string: its length header, its UTF-8 bytes and CRLF. getBytes: the JDK checks a Latin-1 string for
     * non-ASCII bytes with a vectorised intrinsic and copies it in one go (faster than a loop over its chars); an
     * unpaired surrogate becomes '?', as in the Netty UTF-8 that Lettuce's codec sends.
     */
    void bulk(String text) {
        bulk(text.getBytes(StandardCharsets.UTF_8));
    }

    /** One bulk string of these bytes. */
    void bulk(byte[] utf8) {
        header(utf8.length);
        put(utf8);
        crlf();
        count++;
    }

    /** One bulk string made of three parts: a key's fixed head and tail around its id. */
    void bulk(byte[] head, String middle, byte[] tail) {
        byte[] utf8 = middle.getBytes(StandardCharsets.UTF_8);
        header(head.length + utf8.length + tail.length);
        put(head);
        put(utf8);
        put(tail);
        crlf();
        count++;
    }

    /** One bulk string: {@code value} in decimal, as {@link Long#toString(long)} writes it. */
    void bulk(long value) {
        tagged(-1, value);
    }

    /** One bulk string: the ASCII {@code tag}, then {@code value} in decimal ({@link Keys#uniqueMember}). */
    void bulk(char tag, long value) {
        tagged(tag, value);
    }

    private void tagged(int tag, long value) {
        int digits = digits(value);
        int length = digits + (tag >= 0 ? 1 : 0);
        header(length);
        room(length + 2);
        if (tag >= 0) {
            bytes[size++] = (byte) tag;
        }
        int at = size + digits;
        long v = value;
        if (v < 0) {
            bytes[size] = '-';
        } else {
            v = -v; // negative, so that Long.MIN_VALUE has its digits too
        }
        do {
            bytes[--at] = (byte) ('0' - (v % 10));
            v /= 10;
        } while (v != 0);
        size += digits;
        crlf();
        count++;
    }

    /** The characters {@link Long#toString(long)} gives {@code value}. */
    private static int digits(long value) {
        int sign = value < 0 ? 1 : 0;
        long v = value < 0 ? value : -value;
        int digits = 1;
        for (long p = -10; digits < 19 && v <= p; p *= 10) {
            digits++;
        }
        return digits + sign;
    }

    /**
     * One bulk string: a counter field ({@link Keys#counterField}), the letter {@code 'A' + i} for each bit i of
     * {@code letters}, in order.
     */
    void letters(int letters) {
        int length = Integer.bitCount(letters);
        header(length);
        room(length + 2);
        for (int bits = letters; bits != 0; bits &= bits - 1) {
            bytes[size++] = (byte) ('A' + Integer.numberOfTrailingZeros(bits));
        }
        crlf();
        count++;
    }

    /**
     * Starts a bulk string of {@code length} bytes that the caller then writes ({@link #u8}, {@link #u16},
     * {@link #u24}, {@link #copy}) and ends with {@link #close}: a binary header argument of the wire ({@link Op}).
     */
    void open(int length) {
        header(length);
        count++;
    }

    /** Ends the bulk string {@link #open} started. */
    void close() {
        crlf();
    }

    /** One byte of a binary argument. */
    void u8(int value) {
        check(value, 0xFF);
        room(1);
        bytes[size++] = (byte) value;
    }

    /** A big-endian 16-bit number of a binary argument. */
    void u16(int value) {
        check(value, 0xFFFF);
        room(2);
        bytes[size++] = (byte) (value >>> 8);
        bytes[size++] = (byte) value;
    }

    /** A big-endian 24-bit number of a binary argument. */
    void u24(int value) {
        check(value, 0xFFFFFF);
        room(3);
        bytes[size++] = (byte) (value >>> 16);
        bytes[size++] = (byte) (value >>> 8);
        bytes[size++] = (byte) value;
    }

    private static void check(int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalStateException("a script call's header value " + value + " is past its field's " + max);
        }
    }

    /** The bytes {@code from..from+length} of {@code other}: bulk strings written there, copied as they are. */
    void copy(Resp other, int from, int length) {
        room(length);
        System.arraycopy(other.bytes, from, bytes, size, length);
        size += length;
    }

    /** Everything written since {@link #start}, into {@code buf}. */
    void writeTo(ByteBuf buf) {
        buf.writeBytes(bytes, 0, size);
        if (bytes.length > KEPT) {
            OWN.remove(); // a rare huge command does not pin its array to the I/O thread
        }
    }

    /** The bulk strings written (copied ones too), read back as bytes: for the tests, which decode the wire. */
    List<byte[]> bulks() {
        List<byte[]> bulks = new ArrayList<>();
        int at = 0;
        while (at < size) {
            int length = 0;
            for (at++; bytes[at] != '\r'; at++) {
                length = length * 10 + bytes[at] - '0';
            }
            at += 2;
            bulks.add(Arrays.copyOfRange(bytes, at, at + length));
            at += length + 2;
        }
        return bulks;
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
