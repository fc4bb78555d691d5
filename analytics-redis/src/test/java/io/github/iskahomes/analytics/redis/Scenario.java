package io.github.iskahomes.analytics.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iskahomes.analytics.core.EntityKind;
import io.github.iskahomes.analytics.core.EntityRef;
import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.EventType;
import io.github.iskahomes.analytics.core.LeadAction;
import io.github.iskahomes.analytics.core.LeadRef;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A scripted event stream covering every catalogued event type on one day (yesterday, UTC), and the exact state it
 * must leave in Redis.
 */
final class Scenario {
    static final LocalDate DAY = LocalDate.now(ZoneOffset.UTC).minusDays(1);
    static final Instant NOON = DAY.atTime(12, 0).toInstant(ZoneOffset.UTC);
    static final String DAY_KEY = Keys.day(DAY);

    final List<Event> events = new ArrayList<>();
    private final String salt = UUID.randomUUID().toString().substring(0, 8);

    Scenario() {
        add("property_view", "S1", Map.of("listing_id", "L1", "lister_id", "U1", "lister_type", "agent",
                "viewed_from", "home", "is_logged_in", true));
        // camelCase aliases, as some clients send them
        add("property_view", "S2", Map.of("listingId", "L1", "listerId", "U1", "listerType", "agent",
                "viewedFrom", "search", "isLoggedIn", false));
        add("property_view", "S1", Map.of("listing_id", "L1", "lister_id", "U1", "lister_type", "agent",
                "viewed_from", "somewhere-else", "is_logged_in", "true"));
        add("listing_impression", "S5", Map.of("listing_id", "L1", "position", 3));
        add("impression_social_media", "S5", Map.of("listing_id", "L2", "lister_id", "U2", "lister_type", "agency",
                "platform", "x"));
        add("impression_website_visit", "S5", Map.of("listing_id", "L2", "lister_id", "U2", "lister_type", "agency"));
        add("impression_share", "S5", Map.of("listing_id", "L2", "lister_id", "U2", "lister_type", "agency"));
        add("impression_saved_listing", "S5", Map.of("listing_id", "L2", "lister_id", "U2", "lister_type", "agency"));
        add("lead_phone", "S1", Map.of("listing_id", "L1", "lister_id", "U1", "lister_type", "agent",
                "development_id", "DV1", "context", "gallery"));
        add("lead_message", "S2", Map.of("listing_id", "L1", "lister_id", "U1", "lister_type", "agent",
                "message", "is it still available?"));
        add("lead_email", "S1", Map.of("listing_id", "L1", "lister_id", "U1", "lister_type", "agent"));
        add("lead_appointment", "S3", Map.of("listing_id", "L1", "lister_id", "U1", "lister_type", "agent"));
        add("profile_view", "S4", Map.of("profile_id", "U1", "user_type", "agent"));
        add("development_view", "S1", Map.of("development_id", "DV1", "developer_id", "DEV1",
                "viewed_from", "listings", "is_logged_in", true));
        add("development_view", "S2", Map.of("development_id", "DV1", "developer_id", "DEV1", "viewed_from", "home"));
        add("development_share", "S1", Map.of("development_id", "DV1", "developer_id", "DEV1"));
        add("development_saved", "S1", Map.of("development_id", "DV1"));
        add("development_social_click", "S2", Map.of("development_id", "DV1"));
        add("development_interaction", "S2", Map.of("development_id", "DV1", "interaction_type", "brochure"));
        add("listing_created", "U2", Map.of("listing_id", "L3", "lister_id", "U2", "lister_type", "agency"));
        add("listing_deleted", "U2", Map.of("listing_id", "L2", "lister_id", "U2", "lister_type", "agency"));
        add("listing_updated", "U1", Map.of("listing_id", "L1"));
        add("user_logged_in", "S1", Map.of());
        add("user_logged_out", "S1", Map.of());
        add("development_created", "DEV1", Map.of("development_id", "DV2", "developer_id", "DEV1"));
    }

    private void add(String name, String distinctId, Map<String, Object> properties) {
        int n = events.size();
        events.add(new Event(name, distinctId, NOON.plusSeconds(n), salt + "-" + n, properties));
    }

    static Map<String, Long> counters(EntityKind kind, Object... pairs) {
        Map<String, Long> expected = new LinkedHashMap<>();
        for (String metric : kind.counters()) {
            expected.put(metric, 0L);
        }
        for (int i = 0; i < pairs.length; i += 2) {
            assertThat(expected).containsKey((String) pairs[i]);
            expected.put((String) pairs[i], ((Number) pairs[i + 1]).longValue());
        }
        return expected;
    }

    static final Map<String, Map<String, Long>> LISTINGS = Map.of(
            "L1", counters(EntityKind.LISTING, "total_views", 3, "logged_in_views", 2, "anonymous_views", 1,
                    "views_from_home", 1, "views_from_search", 1, "views_from_direct", 1, "feed_impressions", 1,
                    "total_leads", 4, "phone_leads", 1, "message_leads", 1, "email_leads", 1, "appointment_leads", 1),
            "L2", counters(EntityKind.LISTING, "impression_social_media", 1, "impression_website_visit", 1,
                    "impression_share", 1, "impression_saved_listing", 1, "total_impressions", 4));
    static final Map<String, Map<String, Long>> USERS = Map.of(
            "U1", counters(EntityKind.USER, "profile_views", 1, "total_listing_views", 3, "total_listing_leads", 4,
                    "total_leads_generated", 4, "phone_leads_generated", 1, "message_leads_generated", 1,
                    "email_leads_generated", 1, "appointment_leads_generated", 1),
            "U2", counters(EntityKind.USER, "listings_created", 1, "listings_deleted", 1));
    static final Map<String, Map<String, Long>> DEVELOPMENTS = Map.of(
            "DV1", counters(EntityKind.DEVELOPMENT, "total_views", 2, "logged_in_views", 1, "views_from_home", 1,
                    "views_from_listings", 1, "total_leads", 1, "total_interactions", 4, "shares", 1, "saves", 1,
                    "social_clicks", 1, "interactions", 1));

    /** Asserts the whole state through the public reader, {@code times} copies of the stream having been sent. */
    void assertState(AnalyticsReader reader) {
        assertThat(entities(reader, EntityKind.LISTING)).containsExactlyInAnyOrderEntriesOf(LISTINGS);
        assertThat(entities(reader, EntityKind.USER)).containsExactlyInAnyOrderEntriesOf(USERS);
        assertThat(entities(reader, EntityKind.DEVELOPMENT)).containsExactlyInAnyOrderEntriesOf(DEVELOPMENTS);

        Map<String, EntityDay> listings = byId(reader, EntityKind.LISTING);
        assertThat(listings.get("L1").uniques()).containsExactly(Map.entry("unique_views", 2L), Map.entry("unique_leads", 3L));
        assertThat(listings.get("L1").metadata()).containsExactlyInAnyOrderEntriesOf(
                Map.of("lister_id", "U1", "lister_type", "agent", "development_id", "DV1"));
        assertThat(listings.get("L1").sketches()).containsOnlyKeys("unique_views", "unique_leads");
        assertThat(listings.get("L2").uniques()).containsExactly(Map.entry("unique_views", 0L), Map.entry("unique_leads", 0L));
        assertThat(listings.get("L2").sketches()).isEmpty();
        assertThat(listings.get("L2").metadata()).containsExactlyInAnyOrderEntriesOf(
                Map.of("lister_id", "U2", "lister_type", "agency"));
        Map<String, EntityDay> users = byId(reader, EntityKind.USER);
        assertThat(users.get("U1").uniques()).containsExactly(Map.entry("unique_profile_viewers", 1L));
        assertThat(users.get("U1").metadata()).containsExactly(Map.entry("user_type", "agent"));
        assertThat(users.get("U2").metadata()).containsExactly(Map.entry("user_type", "agency"));
        Map<String, EntityDay> developments = byId(reader, EntityKind.DEVELOPMENT);
        assertThat(developments.get("DV1").uniques()).containsExactly(Map.entry("unique_views", 2L));
        assertThat(developments.get("DV1").metadata()).containsExactly(Map.entry("developer_id", "DEV1"));

        Map<LeadRef, LeadState> leads = new TreeMap<>(java.util.Comparator.comparing(Keys::leadMember));
        reader.forEachLead(DAY, 2, chunk -> chunk.forEach(lead -> assertThat(leads.put(lead.lead(), lead)).isNull()));
        assertThat(leads).containsOnlyKeys(new LeadRef("L1", "S1"), new LeadRef("L1", "S2"), new LeadRef("L1", "S3"));
        LeadState s1 = leads.get(new LeadRef("L1", "S1"));
        assertThat(s1.actions()).containsExactly(
                new LeadAction(events.get(8).uuid(), "phone", events.get(8).timestamp(), "gallery"),
                new LeadAction(events.get(10).uuid(), "email", events.get(10).timestamp(), null));
        assertThat(s1.actionsOnDay()).isEqualTo(2);
        assertThat(s1.metadata()).containsExactlyInAnyOrderEntriesOf(
                Map.of("lister_id", "U1", "lister_type", "agent", "development_id", "DV1"));
        assertThat(leads.get(new LeadRef("L1", "S2")).actions()).extracting(LeadAction::type).containsExactly("message");
        assertThat(leads.get(new LeadRef("L1", "S2")).actionsOnDay()).isEqualTo(1);
        assertThat(leads.get(new LeadRef("L1", "S2")).metadata()).containsExactlyInAnyOrderEntriesOf(
                Map.of("lister_id", "U1", "lister_type", "agent"));
        assertThat(leads.get(new LeadRef("L1", "S3")).actions()).extracting(LeadAction::type).containsExactly("appointment");

        Map<EventType, Long> counts = new EnumMap<>(EventType.class);
        for (EventType type : EventType.values()) {
            counts.put(type, 1L);
        }
        counts.put(EventType.PROPERTY_VIEW, 3L);
        counts.put(EventType.DEVELOPMENT_VIEW, 2L);
        assertThat(reader.eventCounts(DAY)).containsExactlyInAnyOrderEntriesOf(counts);
        assertThat(reader.hasData(DAY)).isTrue();
        assertThat(reader.hasData(DAY.minusDays(1))).isFalse();

        assertThat(reader.uniqueCount(EntityRef.listing("L1"), "unique_views", List.of(DAY, DAY.minusDays(1)))).isEqualTo(2);
        assertThat(reader.unionCount(List.of(reader.sketch(EntityRef.listing("L1"), "unique_views", DAY),
                reader.sketch(EntityRef.listing("L1"), "unique_leads", DAY)))).isEqualTo(3);
    }

    static Map<String, Map<String, Long>> entities(AnalyticsReader reader, EntityKind kind) {
        Map<String, Map<String, Long>> found = new TreeMap<>();
        byId(reader, kind).forEach((id, day) -> found.put(id, day.counters()));
        return found;
    }

    static Map<String, EntityDay> byId(AnalyticsReader reader, EntityKind kind) {
        Map<String, EntityDay> found = new TreeMap<>();
        reader.forEachEntity(kind, DAY, 1, chunk -> {
            assertThat(chunk).hasSize(1);
            chunk.forEach(day -> assertThat(found.put(day.entity().id(), day)).isNull());
        });
        return Collections.unmodifiableMap(found);
    }
}
