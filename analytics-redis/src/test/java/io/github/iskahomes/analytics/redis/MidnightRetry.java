package io.github.iskahomes.analytics.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iskahomes.analytics.core.EntityKind;
import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.EventType;
import io.github.iskahomes.analytics.core.LeadAction;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A lead sent with a random (v4) uuid and no timestamp, first at 23:59:59 of {@link Scenario#DAY} and retried at
 * 00:00:01 of the next day, and the exact state it must leave: counted once, on the first try's day, in every slot
 * it touches (listing, lister, development, lead and event count).
 */
final class MidnightRetry {
    static final Instant BEFORE = Scenario.DAY.atTime(23, 59, 59).toInstant(ZoneOffset.UTC);
    static final Instant AFTER = Scenario.DAY.plusDays(1).atTime(0, 0, 1).toInstant(ZoneOffset.UTC);
    static final LocalDate NEXT_DAY = Scenario.DAY.plusDays(1);

    final Event lead = new Event("lead_phone", "S1", null, UUID.randomUUID().toString(), Map.of("listing_id", "L1",
            "lister_id", "U1", "lister_type", "agent", "development_id", "DV1", "context", "gallery"));

    static Clock at(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }

    /** Sends the lead with the clock at 23:59:59 (ingested), then again at 00:00:01 (a duplicate). */
    void sendThenRetryAfterMidnight(Ingestor ingestor) {
        ingestor.clock(at(BEFORE));
        assertThat(ingestor.ingest(List.of(lead))).isEqualTo(new IngestResult(1, 0, Map.of(Scenario.DAY_KEY, 1), List.of()));
        ingestor.clock(at(AFTER));
        assertThat(ingestor.ingest(List.of(lead))).isEqualTo(new IngestResult(0, 1, Map.of(), List.of()));
    }

    /** The lead's state: exact counters on {@link Scenario#DAY}, nothing at all on the next day. */
    void assertCountedOnceOnTheFirstDay(AnalyticsReader reader, Probe probe) {
        assertThat(Scenario.entities(reader, EntityKind.LISTING)).containsExactlyEntriesOf(Map.of("L1",
                Scenario.counters(EntityKind.LISTING, "total_leads", 1, "phone_leads", 1)));
        assertThat(Scenario.entities(reader, EntityKind.USER)).containsExactlyEntriesOf(Map.of("U1",
                Scenario.counters(EntityKind.USER, "total_listing_leads", 1, "total_leads_generated", 1,
                        "phone_leads_generated", 1)));
        assertThat(Scenario.entities(reader, EntityKind.DEVELOPMENT)).containsExactlyEntriesOf(Map.of("DV1",
                Scenario.counters(EntityKind.DEVELOPMENT, "total_leads", 1)));
        assertThat(reader.eventCounts(Scenario.DAY)).containsExactlyEntriesOf(Map.of(EventType.LEAD_PHONE, 1L));
        List<LeadState> leads = new ArrayList<>();
        reader.forEachLead(Scenario.DAY, 10, leads::addAll);
        assertThat(leads).singleElement().satisfies(state -> {
            assertThat(state.actions()).containsExactly(new LeadAction(lead.uuid(), "phone", BEFORE, "gallery"));
            assertThat(state.actionsOnDay()).isEqualTo(1);
        });

        assertThat(reader.hasData(NEXT_DAY)).isFalse();
        assertThat(reader.eventCounts(NEXT_DAY)).isEmpty();
        for (EntityKind kind : EntityKind.values()) {
            assertThat(IngestorTest.ids(reader, kind, NEXT_DAY)).as(kind.name()).isEmpty();
        }
        String nextDay = Keys.day(NEXT_DAY);
        assertThat(probe.keys().keySet()).noneMatch(key -> key.contains(nextDay));
        assertThat(probe.counter("listing:{L1}:day:" + Scenario.DAY_KEY, "total_leads")).isEqualTo("1");
    }
}
