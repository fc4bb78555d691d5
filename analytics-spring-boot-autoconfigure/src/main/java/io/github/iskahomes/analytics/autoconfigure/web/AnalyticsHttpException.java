package io.github.iskahomes.analytics.autoconfigure.web;

import java.util.Map;

/**
 * A refusal of a cron or read request with its HTTP status, the sentence the client reads and headers to send
 * ({@code WWW-Authenticate} with a 401). {@link AnalyticsExceptionHandler} turns it into
 * {@code {"success":false,"error":"…"}}.
 */
public final class AnalyticsHttpException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final transient Map<String, String> headers;

    /** A refusal with {@code status} and {@code message}. */
    public AnalyticsHttpException(int status, String message) {
        this(status, message, Map.of());
    }

    /** A refusal with {@code status}, {@code message} and response headers. */
    public AnalyticsHttpException(int status, String message, Map<String, String> headers) {
        super(message);
        this.status = status;
        this.headers = Map.copyOf(headers);
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** Headers to send with it. */
    public Map<String, String> headers() {
        return headers;
    }
}
