package io.github.iskahomes.analytics.redis;

import io.github.iskahomes.analytics.core.MalformedPayloadException;
import io.github.iskahomes.analytics.core.PayloadTooLargeException;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Turns the body forms PostHog SDKs send into the JSON the decoder reads, as one chain of streams, so a request never
 * holds more than a few small buffers besides the events it decodes: plain JSON (any content type), gzip
 * ({@code Content-Encoding: gzip}, {@code ?compression=gzip-js} or the magic bytes), a form-encoded {@code data=} field
 * (posthog-js), and base64 ({@code ?compression=base64}, or recognised because it decodes to <code>{</code>,
 * {@code [} or gzip). Every byte is counted against {@code maxBodyBytes} on the wire and again after decompression.
 */
final class RequestBody {
    private final Limited wire;
    private final InputStream json;

    private RequestBody(Limited wire, InputStream json) {
        this.wire = wire;
        this.json = json;
    }

    /**
     * Opens the decoding chain. Nothing is read yet except a few bytes to recognise the form.
     *
     * @param contentType     the {@code Content-Type} header, or {@code null}
     * @param contentEncoding the {@code Content-Encoding} header, or {@code null}
     * @param compression     the {@code compression} query parameter, or {@code null}
     * @throws MalformedPayloadException for an unknown {@code compression} or a form without {@code data=}
     * @throws UncheckedIOException      if reading fails (an invalid gzip header among others)
     */
    static RequestBody open(InputStream body, long maxBodyBytes, String contentType, String contentEncoding,
                            String compression) {
        Limited wire = new Limited(body, maxBodyBytes, "the request body is larger than " + maxBodyBytes + " bytes");
        String declared = compression == null ? "" : compression.trim().toLowerCase(Locale.ROOT);
        if (!declared.isEmpty() && !declared.equals("gzip") && !declared.equals("gzip-js")
                && !declared.equals("base64")) {
            throw new MalformedPayloadException("compression \"" + compression + "\" is not supported; send gzip-js,"
                    + " base64 or none (posthog-js's lz64 is not supported)", 0, 0, null);
        }
        try {
            boolean gunzipped = false;
            InputStream in = new BufferedInputStream(wire, 8192);
            if (contentEncoding != null && contentEncoding.toLowerCase(Locale.ROOT).contains("gzip")) {
                in = new BufferedInputStream(new GZIPInputStream(in, 8192), 8192);
                gunzipped = true;
            }
            if (isForm(contentType) && !startsLikeJson(in)) {
                in = new BufferedInputStream(new FormData(in), 8192);
            }
            if (declared.equals("base64") || looksLikeBase64(in)) {
                // The MIME decoder skips line breaks some encoders insert; anything else not base64 fails as JSON.
                in = new BufferedInputStream(Base64.getMimeDecoder().wrap(in), 8192);
            }
            if (!gunzipped && (declared.startsWith("gzip") || startsWithGzipMagic(in))) {
                in = new GZIPInputStream(in, 8192);
                gunzipped = true;
            }
            if (gunzipped) {
                in = new Limited(in, maxBodyBytes, "the request body is larger than " + maxBodyBytes
                        + " bytes after gzip decompression");
            }
            return new RequestBody(wire, in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The decoded JSON. */
    InputStream json() {
        return json;
    }

    /**
     * Reads what the decoder left of the request (the form fields after {@code data=}, a gzip stream's end), still
     * within the limit, so the request has been read completely before any event is applied.
     */
    void finish() {
        try {
            byte[] skip = new byte[8192];
            while (wire.read(skip, 0, skip.length) >= 0) {
                // discard
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isForm(String contentType) {
        return contentType != null
                && contentType.trim().toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }

    private static byte[] peek(InputStream in, int n) throws IOException {
        in.mark(n);
        byte[] bytes = in.readNBytes(n);
        in.reset();
        return bytes;
    }

    /** JSON posted with a form content type, as {@code curl -d} does. */
    private static boolean startsLikeJson(InputStream in) throws IOException {
        byte[] first = peek(in, 1);
        return first.length == 1 && (first[0] == '{' || first[0] == '[');
    }

    private static boolean startsWithGzipMagic(InputStream in) throws IOException {
        byte[] first = peek(in, 2);
        return first.length == 2 && (first[0] & 0xff) == 0x1f && (first[1] & 0xff) == 0x8b;
    }

    /** Base64 whose first quantum decodes to the start of a JSON object or array, or of a gzip stream. */
    private static boolean looksLikeBase64(InputStream in) throws IOException {
        byte[] first = peek(in, 4);
        if (first.length < 4) {
            return false;
        }
        for (byte b : first) {
            if (!(b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '+' || b == '/')) {
                return false;
            }
        }
        byte decoded = Base64.getDecoder().decode(first)[0];
        return decoded == '{' || decoded == '[' || (decoded & 0xff) == 0x1f;
    }

    /**
     * The value of the {@code data} field of an {@code application/x-www-form-urlencoded} body, percent-decoded while
     * it streams; the other fields are skipped (what {@code compression} says is recognised from the data itself).
     */
    private static final class FormData extends InputStream {
        private final InputStream in;
        private boolean started;
        private boolean done;

        FormData(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            if (!started) {
                seekData();
            }
            if (done) {
                return -1;
            }
            int c = in.read();
            if (c < 0 || c == '&') {
                done = true;
                return -1;
            }
            if (c == '+') {
                return ' ';
            }
            if (c != '%') {
                return c;
            }
            int high = Character.digit(in.read(), 16);
            int low = Character.digit(in.read(), 16);
            if (high < 0 || low < 0) {
                throw new MalformedPayloadException("the form's data field has a malformed %-escape", 0, 0, null);
            }
            return high << 4 | low;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = 0;
            while (n < length) {
                int b = read();
                if (b < 0) {
                    break;
                }
                buffer[offset + n++] = (byte) b;
                if (n > 0 && in.available() == 0) {
                    break; // hand over what is decoded rather than wait for more of a slow body
                }
            }
            return n == 0 && length > 0 ? -1 : n;
        }

        /** Skips fields until {@code data=}; field names are short, so they are read byte by byte. */
        private void seekData() throws IOException {
            started = true;
            StringBuilder name = new StringBuilder();
            boolean inValue = false;
            while (true) {
                int c = in.read();
                if (c < 0) {
                    throw new MalformedPayloadException("the form body has no data= field; posthog-js sends"
                            + " data=<base64 or JSON>", 0, 0, null);
                }
                if (inValue) {
                    if (c == '&') {
                        inValue = false;
                        name.setLength(0);
                    }
                } else if (c == '=') {
                    if (name.toString().equals("data")) {
                        return;
                    }
                    inValue = true;
                } else if (c == '&') {
                    name.setLength(0);
                } else if (name.length() < 64) {
                    name.append((char) c);
                }
            }
        }
    }

    /** Fails with {@link PayloadTooLargeException} as soon as more than {@code max} bytes have been read. */
    static final class Limited extends FilterInputStream {
        private final long max;
        private final String message;
        private long count;
        private long mark;

        Limited(InputStream in, long max, String message) {
            super(in);
            this.max = max;
            this.message = message;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count(skipped);
            return skipped;
        }

        @Override
        public synchronized void mark(int limit) {
            super.mark(limit);
            mark = count;
        }

        @Override
        public synchronized void reset() throws IOException {
            super.reset();
            count = mark;
        }

        private void count(long n) {
            count += n;
            if (count > max) {
                throw new PayloadTooLargeException(message);
            }
        }
    }
}
