package io.github.iskahomes.analytics.browser;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Properties;

/**
 * One build of {@code analytics.js} shipped in this jar: its content-hashed file name, its bytes and the headers to
 * serve it with. A server mounts it at a path of its choosing:
 *
 * <pre>{@code
 * BrowserScript script = BrowserScript.classic();
 * // GET /analytics/analytics.3f9c0d2a1b.js
 * if (path.equals("/analytics/" + script.fileName())) {
 *     response.setHeader("Content-Type", BrowserScript.CONTENT_TYPE);
 *     response.setHeader("Cache-Control", BrowserScript.CACHE_CONTROL);
 *     response.getOutputStream().write(script.bytes());
 * }
 * }</pre>
 *
 * <p>The name changes whenever the content does, so the file may be cached for a year ({@link #CACHE_CONTROL}); pages
 * learn the current name from {@link #fileName()} (a template variable, a {@code <script src>} the server writes).
 * Servlet containers also serve the same files from {@code META-INF/resources} by themselves, at
 * {@code /analytics/<fileName>} ({@link #resourcePath()}). Immutable and thread-safe.
 */
public final class BrowserScript {

    /** The media type of both builds. */
    public static final String CONTENT_TYPE = "text/javascript; charset=utf-8";
    /** For a content-hashed name: cache for a year, never revalidate. */
    public static final String CACHE_CONTROL = "public, max-age=31536000, immutable";
    /** Where the builds are in the jar; a servlet container serves them under {@code /analytics/}. */
    public static final String RESOURCE_DIR = "META-INF/resources/analytics/";

    private static final String PROPERTIES = "scripts.properties";
    private static final BrowserScript CLASSIC = load("classic");
    private static final BrowserScript MODULE = load("module");

    private final String fileName;
    private final byte[] bytes;
    private final int gzippedSize;

    private BrowserScript(String fileName, byte[] bytes, int gzippedSize) {
        this.fileName = fileName;
        this.bytes = bytes;
        this.gzippedSize = gzippedSize;
    }

    /** The classic-script build, for {@code <script src>}: it defines {@code window.IskaAnalytics}. */
    public static BrowserScript classic() {
        return CLASSIC;
    }

    /** The ES module build, for {@code import { createAnalytics } from '/analytics/analytics.esm.<hash>.js'}. */
    public static BrowserScript module() {
        return MODULE;
    }

    /** The content-hashed file name, such as {@code analytics.3f9c0d2a1b.js}. */
    public String fileName() {
        return fileName;
    }

    /** The path in this jar, such as {@code META-INF/resources/analytics/analytics.3f9c0d2a1b.js}. */
    public String resourcePath() {
        return RESOURCE_DIR + fileName;
    }

    /** The script itself (a fresh copy). */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The script's size in bytes. */
    public int size() {
        return bytes.length;
    }

    /** Its size gzipped (as a server compressing at the default level sends it), measured by the build. */
    public int gzippedSize() {
        return gzippedSize;
    }

    /** A strong ETag: the file name already carries the content hash. */
    public String etag() {
        return '"' + fileName + '"';
    }

    @Override
    public String toString() {
        return fileName + " (" + bytes.length + " bytes, " + gzippedSize + " gzipped)";
    }

    private static BrowserScript load(String build) {
        Properties names = new Properties();
        try (InputStream in = BrowserScript.class.getResourceAsStream(PROPERTIES)) {
            names.load(Objects.requireNonNull(in, "the jar has no " + PROPERTIES + ": it was not built by Maven"));
            String fileName = names.getProperty(build);
            try (InputStream script = BrowserScript.class.getResourceAsStream("/" + RESOURCE_DIR + fileName)) {
                byte[] bytes = Objects.requireNonNull(script, "the jar has no " + RESOURCE_DIR + fileName).readAllBytes();
                return new BrowserScript(fileName, bytes, Integer.parseInt(names.getProperty(build + ".gzipped")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the " + build + " build of analytics.js", e);
        }
    }
}
