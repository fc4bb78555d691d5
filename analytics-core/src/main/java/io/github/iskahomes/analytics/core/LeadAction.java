package io.github.iskahomes.analytics.core;

import java.time.Instant;
import java.util.Objects;

/**
 * One thing a seeker did that makes a lead: a phone, message, email or appointment action, identified by the uuid of
 * the event that carried it (so appending the same action twice can be detected).
 *
 * @param uuid    the event uuid
 * @param type    {@code phone}, {@code message}, {@code email} or {@code appointment}
 * @param at      when it happened
 * @param context where in the app it happened ({@code context} property), or {@code null}
 */
public record LeadAction(String uuid, String type, Instant at, String context) {
    public LeadAction {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(at, "at");
    }
}
