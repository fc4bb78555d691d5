package io.github.iskahomes.analytics.core.internal;

import java.util.List;

/**
 * A decoded request body.
 *
 * @param apiKey the PostHog {@code api_key} (or {@code token}) the body carried, or {@code null}
 * @param events every element, in request order
 */
public record DecodedBatch(String apiKey, List<DecodedEvent> events) {
    public DecodedBatch {
        events = List.copyOf(events);
    }
}
