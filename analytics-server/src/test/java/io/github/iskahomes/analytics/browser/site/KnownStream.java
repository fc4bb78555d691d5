package io.github.iskahomes.analytics.browser.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * A known stream of 44 events through every typed helper, as page JavaScript returning their uuids, and the exact
 * rows it must leave in PostgreSQL after aggregation (computed by hand from the metric contract), under listing,
 * development and lister ids prefixed by a run of its own, so tests sharing one server do not add to each other.
 */
final class KnownStream {

    static final int EVENTS = 44;

    /** Tracks the stream with {@code tracker}'s typed helpers, every id prefixed by {@code p}; returns the 44 uuids. */
    private static final String JS = """
            const t = window.tracker, u = [];
            const agent = { lister_id: 'agent-1', lister_type: 'agent' };
            const from = ['home', 'search', 'explore', 'direct'];
            for (let i = 0; i < 7; i++) {
              u.push(t.trackPropertyView({ listing_id: 'L1', ...agent, development_id: 'DV1', viewed_from: from[i % 4],
                is_logged_in: i < 3, seeker_id: 's' + (i % 3) }));
            }
            for (let i = 0; i < 2; i++) {
              u.push(t.trackPropertyView({ listing_id: 'L2', lister_id: 'agency-1', lister_type: 'agency',
                seeker_id: 's9', viewed_from: 'search' }));
            }
            for (let i = 0; i < 4; i++) u.push(t.trackListingImpression({ listing_id: 'L1', position: i, seeker_id: 's4' }));
            u.push(t.trackImpressionSocialMedia({ listing_id: 'L1', platform: 'instagram', seeker_id: 's4' }));
            for (let i = 0; i < 2; i++) u.push(t.trackImpressionWebsiteVisit({ listing_id: 'L1', seeker_id: 's4' }));
            for (let i = 0; i < 3; i++) u.push(t.trackImpressionShare({ listing_id: 'L1', platform: 'whatsapp', seeker_id: 's5' }));
            u.push(t.trackImpressionSavedListing({ listing_id: 'L1', seeker_id: 's5' }));
            u.push(t.trackLead('phone', { listing_id: 'L1', ...agent, development_id: 'DV1', seeker_id: 's0', context: 'listing_page' }));
            u.push(t.trackLeadPhone({ listing_id: 'L1', ...agent, development_id: 'DV1', seeker_id: 's1' }));
            u.push(t.trackLeadMessage({ listing_id: 'L1', ...agent, seeker_id: 's0', message: 'Is it still available?' }));
            u.push(t.trackLeadEmail({ listing_id: 'L1', ...agent, seeker_id: 's2' }));
            u.push(t.trackLeadAppointment({ listing_id: 'L1', ...agent, seeker_id: 's1', appointment_at: '2026-12-05T10:00:00Z' }));
            for (const s of ['s0', 's1', 's1']) u.push(t.trackProfileView({ profile_id: 'agent-1', user_type: 'agent', seeker_id: s }));
            u.push(t.trackDevelopmentView({ development_id: 'DV1', developer_id: 'dev-1', viewed_from: 'home', is_logged_in: true, seeker_id: 's0' }));
            u.push(t.trackDevelopmentView({ development_id: 'DV1', developer_id: 'dev-1', viewed_from: 'listings', seeker_id: 's1' }));
            u.push(t.trackDevelopmentView({ development_id: 'DV1', developer_id: 'dev-1', viewed_from: 'search', seeker_id: 's2' }));
            u.push(t.trackDevelopmentShare({ development_id: 'DV1', platform: 'x', seeker_id: 's0' }));
            for (let i = 0; i < 2; i++) u.push(t.trackDevelopmentSaved({ development_id: 'DV1', seeker_id: 's1' }));
            u.push(t.trackDevelopmentSocialClick({ development_id: 'DV1', platform: 'facebook', seeker_id: 's2' }));
            for (let i = 0; i < 2; i++) u.push(t.trackDevelopmentInteraction({ development_id: 'DV1', interaction_type: 'brochure', seeker_id: 's2' }));
            u.push(t.trackListingCreated({ listing_id: 'L3', ...agent }));
            u.push(t.trackListingCreated({ listing_id: 'L4', ...agent }));
            u.push(t.trackListingDeleted({ listing_id: 'L5', ...agent }));
            u.push(t.trackListingUpdated({ listing_id: 'L1', ...agent }));
            u.push(t.trackUserLoggedIn({ user_type: 'agent' }));
            u.push(t.trackUserLoggedOut({ user_type: 'agent' }));
            u.push(t.trackDevelopmentCreated({ development_id: 'DV1', developer_id: 'dev-1' }));
            return u;
            """;

    private KnownStream() {
    }

    /** The stream's page JavaScript with every listing, development and lister id prefixed by {@code run}. */
    static String js(String run) {
        return "const p = '" + run + "';\n" + JS.replaceAll("'(L\\d|DV1|agent-1|agency-1|dev-1)'", "p + '$1'");
    }

    /** Asserts every counter the stream touches, and that the counters it does not touch are zero. */
    static void assertCountedExactlyOnce(Jdbi jdbi, String run) {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        assertRow(jdbi, "listing_analytics", "listing_id = '" + run + "L1'", today, counters(
                "total_views", 7, "logged_in_views", 3, "anonymous_views", 4, "views_from_home", 2,
                "views_from_search", 2, "views_from_explore", 2, "views_from_direct", 1, "unique_views", 3,
                "feed_impressions", 4, "total_impressions", 7, "impression_social_media", 1,
                "impression_website_visit", 2, "impression_share", 3, "impression_saved_listing", 1,
                "total_leads", 5, "phone_leads", 2, "message_leads", 1, "email_leads", 1, "appointment_leads", 1,
                "unique_leads", 3));
        assertRow(jdbi, "listing_analytics", "listing_id = '" + run + "L2'", today, counters(
                "total_views", 2, "anonymous_views", 2, "views_from_search", 2, "unique_views", 1));
        assertRow(jdbi, "user_analytics", "user_id = '" + run + "agent-1'", today, counters(
                "profile_views", 3, "unique_profile_viewers", 2, "total_listing_views", 7, "total_listing_leads", 5,
                "total_leads_generated", 5, "phone_leads_generated", 2, "message_leads_generated", 1,
                "email_leads_generated", 1, "appointment_leads_generated", 1, "listings_created", 2,
                "listings_deleted", 1));
        assertRow(jdbi, "user_analytics", "user_id = '" + run + "agency-1'", today, counters("total_listing_views", 2));
        assertRow(jdbi, "development_analytics", "development_id = '" + run + "DV1'", today, counters(
                "total_views", 3, "logged_in_views", 1, "views_from_home", 1, "views_from_listings", 1,
                "views_from_search", 1, "unique_views", 3, "total_leads", 2, "total_interactions", 6, "shares", 1,
                "saves", 2, "social_clicks", 1, "interactions", 2));
        List<Map<String, Object>> leads = jdbi.withHandle(h -> h.createQuery(
                "SELECT seeker_id, total_actions FROM leads WHERE listing_id = :l ORDER BY seeker_id").bind("l", run + "L1")
                .mapToMap().list());
        assertThat(leads).containsExactly(Map.of("seeker_id", "s0", "total_actions", 2L),
                Map.of("seeker_id", "s1", "total_actions", 2L), Map.of("seeker_id", "s2", "total_actions", 1L));
    }

    private static Map<String, Long> counters(Object... pairs) {
        Map<String, Long> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], ((Integer) pairs[i + 1]).longValue());
        }
        return map;
    }

    /**
     * The row's every bigint counter: those named equal their value, every other one is 0 (derived columns such as
     * total_listings and the sales columns, which this stream has nothing to do with, are left out).
     */
    private static void assertRow(Jdbi jdbi, String table, String where, LocalDate day, Map<String, Long> expected) {
        List<String> counters = jdbi.withHandle(h -> h.createQuery("SELECT column_name FROM information_schema.columns"
                + " WHERE table_schema = current_schema() AND table_name = :t AND data_type = 'bigint'"
                + " AND column_name NOT IN ('total_listings', 'active_listings', 'sold_listings', 'total_sales',"
                + " 'days_to_sale_sum', 'days_to_sale_count') ORDER BY ordinal_position")
                .bind("t", table).mapTo(String.class).list());
        assertThat(counters).containsAll(expected.keySet());
        Map<String, Object> row = jdbi.withHandle(h -> h.createQuery("SELECT " + String.join(", ", counters)
                + " FROM " + table + " WHERE " + where + " AND date = :day").bind("day", day).mapToMap().one());
        Map<String, Long> actual = new LinkedHashMap<>();
        Map<String, Long> wanted = new LinkedHashMap<>();
        for (String column : counters) {
            actual.put(column, ((Number) row.get(column)).longValue());
            wanted.put(column, expected.getOrDefault(column, 0L));
        }
        assertThat(actual).as(table + " " + where).isEqualTo(wanted);
    }
}
