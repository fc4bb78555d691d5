package io.github.iskahomes.analytics.autoconfigure.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * Query parameters of the read and dashboard endpoints, each refused with a 400 whose sentence names it, and their
 * JSON answers, written by the library's Jackson 2 whatever the host's Jackson setup is.
 */
public final class RequestValues {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private RequestValues() {
    }

    /** An ISO date, or {@code fallback} when the parameter is absent or blank. */
    public static LocalDate date(String name, String value, LocalDate fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw new AnalyticsHttpException(400, name + " \"" + value + "\" is not a date like 2025-01-15");
        }
    }

    /** A whole number. */
    public static int wholeNumber(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new AnalyticsHttpException(400, name + " \"" + value + "\" is not a whole number");
        }
    }

    /** One of an enum's constants, by its lower- or upper-case name. */
    public static <E extends Enum<E>> E choice(Class<E> type, String value) {
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new AnalyticsHttpException(400, "\"" + value + "\" is not one of "
                    + Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
        }
    }

    /** {@code value} as JSON text. */
    public static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the answer has no JSON form: " + e.getOriginalMessage(), e);
        }
    }

    /** A 200 answer of {@code value} as JSON. */
    public static ResponseEntity<String> json(Object value) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(write(value));
    }
}
