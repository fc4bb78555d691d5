package io.github.iskahomes.analytics.autoconfigure.web;

/** Configured URL paths as mount points. */
public final class UrlPaths {
    private UrlPaths() {
    }

    /**
     * The path with one slash at each end, whatever the host wrote: {@code analytics/js/} and {@code /analytics/js}
     * are both {@code /analytics/js/}; null or blank is {@code /}.
     */
    public static String directory(String path) {
        String trimmed = path == null ? "" : path.strip();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        if (trimmed.isEmpty()) {
            return "/";
        }
        return (trimmed.startsWith("/") ? trimmed : "/" + trimmed) + "/";
    }
}
