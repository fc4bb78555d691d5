import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;

/**
 * The build of analytics.js, run by Maven (exec-maven-plugin, generate-resources) as a single-file Java program so the
 * Maven build needs no Node: strips comment lines and indentation from src/main/js/analytics.js, writes the ES module
 * and the classic-script build (the same code in an IIFE that sets window.IskaAnalytics) under content-hashed names
 * into META-INF/resources/analytics/, with the declaration file, and names them in scripts.properties for
 * BrowserScript. Prints their raw and gzipped sizes.
 *
 * <p>Usage: {@code java ScriptBuild.java <src/main/js> <target/classes>}
 */
public final class ScriptBuild {

    static final String EXPORTS = "export { createAnalytics, uuidv7 };";
    static final String BANNER = "/*! github.com/iskahomes/listing-analytics | Apache-2.0 */";
    static final String WEB_DIR = "META-INF/resources/analytics/";
    static final String PROPERTIES = "io/github/iskahomes/analytics/browser/scripts.properties";

    public static void main(String[] args) throws Exception {
        Path source = Path.of(args[0]);
        Path output = Path.of(args[1]);
        List<String> lines = Files.readAllLines(source.resolve("analytics.js"), StandardCharsets.UTF_8);
        String code = strip(lines);
        String exports = strip(List.of(EXPORTS));
        if (!code.endsWith(exports)) {
            throw new IllegalStateException("analytics.js must end with the line `" + EXPORTS + "`: the classic build"
                    + " turns exactly that line into window.IskaAnalytics");
        }
        String body = code.substring(0, code.length() - exports.length());
        String module = BANNER + "\n" + code;
        String classic = BANNER + "\n(function(){'use strict';\n" + body
                + "window.IskaAnalytics={createAnalytics,uuidv7};})();\n";
        Path web = Files.createDirectories(output.resolve(WEB_DIR));
        // Builds of an earlier source would otherwise ship alongside this one.
        try (var old = Files.newDirectoryStream(web, "analytics.*js")) {
            for (Path file : old) {
                Files.delete(file);
            }
        }
        StringBuilder properties = new StringBuilder("# Written by src/build/ScriptBuild.java\n");
        for (String[] script : new String[][] {{"classic", "analytics.", classic}, {"module", "analytics.esm.", module}}) {
            byte[] bytes = script[2].getBytes(StandardCharsets.UTF_8);
            String name = script[1] + hash(bytes) + ".js";
            Files.write(web.resolve(name), bytes);
            int gzipped = gzip(bytes).length;
            properties.append(script[0]).append('=').append(name).append('\n')
                    .append(script[0]).append(".bytes=").append(bytes.length).append('\n')
                    .append(script[0]).append(".gzipped=").append(gzipped).append('\n');
            System.out.printf("analytics-browser: %-30s %,6d bytes, %,5d gzipped%n", name, bytes.length, gzipped);
        }
        Files.copy(source.resolve("analytics.d.ts"), web.resolve("analytics.d.ts"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path props = output.resolve(PROPERTIES);
        Files.createDirectories(props.getParent());
        Files.writeString(props, properties.toString(), StandardCharsets.ISO_8859_1);
    }

    /**
     * A whitespace-and-comment minifier that knows just enough JavaScript to be safe on this file: string and regex
     * literals are copied as they are, comments dropped, and whitespace removed unless two words would merge, an
     * operator would double ({@code a - -b}) or a line break may end a statement (after a word, {@code )}, {@code ]},
     * {@code }} or a quote, before a word), where a newline stays. Also: adjacent string literals joined, a
     * semicolon before a closing brace dropped, {@code const} written {@code let}. Template literals are refused:
     * not worth the code to parse them here.
     */
    static String strip(List<String> lines) {
        String src = String.join("\n", lines);
        StringBuilder out = new StringBuilder(src.length());
        int i = 0;
        int n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (c == '`') {
                throw new IllegalStateException("analytics.js: template literals are not supported by the build");
            }
            if (c == '\'' || c == '"') {
                int end = i + 1;
                while (src.charAt(end) != c) {
                    end += src.charAt(end) == '\\' ? 2 : 1;
                }
                // 'a ' + 'b' is written as one literal: the source splits long strings over lines.
                if (last(out) == '+' && out.length() > 1 && out.charAt(out.length() - 2) == c) {
                    out.setLength(out.length() - 2);
                    out.append(src, i + 1, end + 1);
                } else {
                    out.append(src, i, end + 1);
                }
                i = end + 1;
            } else if (c == '/' && i + 1 < n && src.charAt(i + 1) == '/') {
                while (i < n && src.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && src.charAt(i + 1) == '*') {
                i = src.indexOf("*/", i + 2) + 2;
            } else if (c == '/' && regexAllowedAfter(last(out))) {
                int end = i + 1;
                boolean inClass = false;
                while (inClass || src.charAt(end) != '/') {
                    char r = src.charAt(end);
                    inClass = r == '[' || (inClass && r != ']');
                    end += r == '\\' ? 2 : 1;
                }
                end++;
                while (end < n && Character.isLetter(src.charAt(end))) {
                    end++;
                }
                out.append(src, i, end);
                i = end;
            } else if (Character.isWhitespace(c)) {
                boolean newline = false;
                while (i < n && Character.isWhitespace(src.charAt(i))) {
                    newline |= src.charAt(i) == '\n';
                    i++;
                }
                char before = last(out);
                char after = i < n ? src.charAt(i) : ' ';
                if (word(before) && word(after) && !newline) {
                    out.append(' ');
                } else if (newline && word(after) && (word(before) || ")]}'\"".indexOf(before) >= 0)) {
                    out.append('\n');
                } else if ((before == '+' || before == '-') && before == after) {
                    out.append(' ');
                }
            } else if (c == '}' && last(out) == ';') {
                // A semicolon before a closing brace is never needed.
                out.setCharAt(out.length() - 1, '}');
                i++;
            } else if (src.startsWith("const ", i) && !word(last(out))) {
                // The same binding for code that never assigns twice, two bytes shorter.
                out.append("let ");
                i += 6;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.append('\n').toString();
    }

    private static char last(StringBuilder out) {
        return out.length() == 0 ? ';' : out.charAt(out.length() - 1);
    }

    private static boolean word(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    private static boolean regexAllowedAfter(char c) {
        return "(,=:[!&|?{};".indexOf(c) >= 0;
    }

    static String hash(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 10);
    }

    static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(bytes);
        }
        return out.toByteArray();
    }
}
