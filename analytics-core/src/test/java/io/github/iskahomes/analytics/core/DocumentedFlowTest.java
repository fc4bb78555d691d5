package io.github.iskahomes.analytics.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.iskahomes.analytics.core.internal.DecodedBatch;
import io.github.iskahomes.analytics.core.internal.DecodedEvent;
import io.github.iskahomes.analytics.core.internal.EventJson;
import io.github.iskahomes.analytics.core.internal.EventValidator;
import io.github.iskahomes.analytics.core.internal.MetricContract;
import io.github.iskahomes.analytics.core.internal.Mutation;
import io.github.iskahomes.analytics.core.internal.MutationPlan;
import io.github.iskahomes.analytics.core.internal.Validation;
import io.github.iskahomes.analytics.core.internal.ValidationRules;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The body → validation → plan flow exactly as docs/analytics-core.md shows it. */
class DocumentedFlowTest {
    final List<String> rejections = new ArrayList<>();
    final List<MutationPlan> plans = new ArrayList<>();

    void reject(int index, String reason) {
        rejections.add(index + ": " + reason);
    }

    void execute(MutationPlan plan) {
        plans.add(plan);
    }

    @Test
    void aMixedBatchIsNeverAllOrNothing() {
        byte[] requestBody = ("{\"events\":["
                + "{\"event\":\"property_view\",\"distinct_id\":\"s-1\",\"timestamp\":\"2025-01-14T23:30:00Z\","
                + "\"uuid\":\"u-1\",\"properties\":{\"listingId\":\"l-1\",\"viewedFrom\":\"home\"}},"
                + "{\"event\":\"property_view\",\"distinct_id\":\"s-1\",\"properties\":{}},"
                + "\"oops\","
                + "{\"event\":\"lead_phone\",\"distinct_id\":\"s-1\",\"timestamp\":1736897400000,"
                + "\"properties\":{\"listing_id\":\"l-1\",\"lister_id\":\"a-1\",\"lister_type\":\"broker\"}}]}")
                .getBytes(UTF_8);

        EventValidator validator = new EventValidator(ValidationRules.defaults()
                .withCalendar(new BusinessCalendar(ZoneId.of("Europe/Berlin"))));

        DecodedBatch batch = EventJson.decode(requestBody, 1_000);
        Instant now = Instant.parse("2025-01-15T12:00:00Z");
        for (DecodedEvent element : batch.events()) {
            if (element.problem() != null) {
                reject(element.index(), element.problem());
                continue;
            }
            Validation validation = validator.validate(element.event(), now);
            if (validation instanceof Validation.Rejected rejected) {
                reject(element.index(), rejected.reason());
            } else if (validation instanceof Validation.Accepted accepted) {
                execute(MetricContract.plan(accepted.event()));
            }
        }

        assertThat(rejections).containsExactly(
                "1: listing_id is missing",
                "2: the element is a string, not an event object",
                "3: lister_type \"broker\" is not one of developer, agent, agency, property_manager");
        assertThat(plans).hasSize(1);
        assertThat(plans.get(0).uuid()).isEqualTo("u-1");
        assertThat(plans.get(0).day()).isEqualTo(LocalDate.of(2025, 1, 15));
        assertThat(plans.get(0).mutations()).contains(
                new Mutation.Increment(EntityRef.listing("l-1"), "views_from_home", 1));
    }
}
