package io.github.iskahomes.analytics.autoconfigure.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.iskahomes.analytics.core.AnalyticsException;
import io.github.iskahomes.analytics.core.StoreUnavailableException;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The errors of the cron and read endpoints, as {@code {"success":false,"error":"…"}}: a refusal with its status; a
 * store unavailable (PostgreSQL or Redis, named) 503 with {@code Retry-After}; another store failure 503 with a
 * reference to the log line (its message may carry SQL); a bad argument 400; anything else 500 with a reference,
 * never the exception's text. Applies to {@link AggregationController} and {@link AnalyticsReadController} only.
 */
@RestControllerAdvice(assignableTypes = {AggregationController.class, AnalyticsReadController.class})
public class AnalyticsExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(AnalyticsExceptionHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String retryAfter;

    /** Answers 503s with {@code Retry-After: retryAfter} (whole seconds, at least 1). */
    public AnalyticsExceptionHandler(Duration retryAfter) {
        this.retryAfter = Long.toString(Math.max(1, retryAfter.toSeconds()));
    }

    /** A refusal: its status, sentence and headers. */
    @ExceptionHandler(AnalyticsHttpException.class)
    public ResponseEntity<String> refused(AnalyticsHttpException e) {
        ResponseEntity.BodyBuilder response = ResponseEntity.status(e.status());
        e.headers().forEach((name, value) -> response.header(name, value));
        return error(response, e.getMessage());
    }

    /** Redis or PostgreSQL unreachable: 503, naming the server. */
    @ExceptionHandler(StoreUnavailableException.class)
    public ResponseEntity<String> unavailable(StoreUnavailableException e, HttpServletRequest request) {
        log.warn("{} {}: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
        return error(ResponseEntity.status(503).header("Retry-After", retryAfter), e.getMessage());
    }

    /** A store refused (a missing table, a read-only failover): 503 with a reference to the log line. */
    @ExceptionHandler(AnalyticsException.class)
    public ResponseEntity<String> storeFailed(AnalyticsException e, HttpServletRequest request) {
        String reference = reference();
        log.error("{} {} failed (reference {})", request.getMethod(), request.getRequestURI(), reference, e);
        return error(ResponseEntity.status(503).header("Retry-After", retryAfter), "the analytics store failed;"
                + " retry later (the server log has the details under reference " + reference + ")");
    }

    /** A bad argument: 400 with its sentence. */
    @ExceptionHandler(IllegalArgumentException.class)
    public ResponseEntity<String> badArgument(IllegalArgumentException e) {
        return error(ResponseEntity.status(400), e.getMessage());
    }

    /** Anything else: 500 with a reference to the log line. */
    @ExceptionHandler(RuntimeException.class)
    public ResponseEntity<String> failed(RuntimeException e, HttpServletRequest request) {
        String reference = reference();
        log.error("{} {} failed (reference {})", request.getMethod(), request.getRequestURI(), reference, e);
        return error(ResponseEntity.status(500), "internal error; the server log has the details under reference "
                + reference);
    }

    private static ResponseEntity<String> error(ResponseEntity.BodyBuilder response, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", false);
        body.put("error", message);
        try {
            return response.contentType(MediaType.APPLICATION_JSON).body(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an error message has no JSON form", e);
        }
    }

    private static String reference() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
