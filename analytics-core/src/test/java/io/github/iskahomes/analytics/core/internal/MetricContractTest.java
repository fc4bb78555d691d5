package io.github.iskahomes.analytics.core.internal;

import static io.github.iskahomes.analytics.core.EventType.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iskahomes.analytics.core.DevelopmentSource;
import io.github.iskahomes.analytics.core.EntityKind;
import io.github.iskahomes.analytics.core.EntityRef;
import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.EventCategory;
import io.github.iskahomes.analytics.core.EventType;
import io.github.iskahomes.analytics.core.LeadAction;
import io.github.iskahomes.analytics.core.LeadKind;
import io.github.iskahomes.analytics.core.LeadRef;
import io.github.iskahomes.analytics.core.ListingSource;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The metric contract, one row per event type and property variant, asserting the exact mutation list. */
class MetricContractTest {
    static final Instant NOW = Instant.parse("2025-01-15T12:00:00Z");
    static final Instant AT = Instant.parse("2025-01-15T10:00:00Z");
    static final EventValidator VALIDATOR = new EventValidator(ValidationRules.defaults());

    static final EntityRef L = EntityRef.listing("listing-1");
    static final EntityRef U = EntityRef.user("lister-1");
    static final EntityRef P = EntityRef.user("profile-1");
    static final EntityRef D = EntityRef.development("dev-1");
    static final LeadRef LEAD = new LeadRef("listing-1", "seeker-1");

    static final Set<EventType> COVERED = EnumSet.noneOf(EventType.class);

    static Mutation inc(EntityRef entity, String metric) {
        return new Mutation.Increment(entity, metric, 1);
    }

    static Mutation uniq(EntityRef entity, String metric) {
        return new Mutation.UniqueAdd(entity, metric, "seeker-1");
    }

    static Mutation meta(EntityRef entity, String field, String value) {
        return new Mutation.MetadataSet(entity, field, value);
    }

    static Mutation idx(EntityRef entity) {
        return new Mutation.IndexAdd(entity);
    }

    static Mutation counted(EventType type) {
        return new Mutation.EventCounted(type);
    }

    static Mutation leadMeta(String field, String value) {
        return new Mutation.LeadMetadataSet(LEAD, field, value);
    }

    static Mutation action(String kind, String context) {
        return new Mutation.LeadActionAppend(LEAD, new LeadAction("uuid-1", kind, AT, context));
    }

    /** name, then property key/value pairs. */
    static Event event(EventType type, Object... keyValues) {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put((String) keyValues[i], keyValues[i + 1]);
        }
        return new Event(type.wireName(), "seeker-1", AT, "uuid-1", properties);
    }

    static Arguments row(String variant, Event event, Mutation... expected) {
        return Arguments.of(event.name() + ": " + variant, event, List.of(expected));
    }

    static Stream<Arguments> contract() {
        List<Arguments> rows = new ArrayList<>();
        // property_view: logged in vs anonymous, every source, with and without lister and development
        rows.add(row("logged in, from home, with a developer lister",
                event(PROPERTY_VIEW, "listing_id", "listing-1", "lister_id", "lister-1", "lister_type", "developer",
                        "viewed_from", "home", "is_logged_in", true),
                idx(L), meta(L, "lister_id", "lister-1"), meta(L, "lister_type", "developer"),
                inc(L, "total_views"), inc(L, "logged_in_views"), inc(L, "views_from_home"), uniq(L, "unique_views"),
                idx(U), meta(U, "user_type", "developer"), inc(U, "total_listing_views"), counted(PROPERTY_VIEW)));
        rows.add(row("logged in given as the string \"true\", lister type in capitals",
                event(PROPERTY_VIEW, "listing_id", "listing-1", "lister_id", "lister-1", "lister_type", "Property_Manager",
                        "viewed_from", "search", "is_logged_in", "true"),
                idx(L), meta(L, "lister_id", "lister-1"), meta(L, "lister_type", "property_manager"),
                inc(L, "total_views"), inc(L, "logged_in_views"), inc(L, "views_from_search"), uniq(L, "unique_views"),
                idx(U), meta(U, "user_type", "property_manager"), inc(U, "total_listing_views"), counted(PROPERTY_VIEW)));
        for (String source : List.of("home", "explore", "search", "direct")) {
            rows.add(row("anonymous, from " + source + ", no lister",
                    event(PROPERTY_VIEW, "listing_id", "listing-1", "viewed_from", source, "is_logged_in", false),
                    idx(L), inc(L, "total_views"), inc(L, "anonymous_views"), inc(L, "views_from_" + source),
                    uniq(L, "unique_views"), counted(PROPERTY_VIEW)));
        }
        rows.add(row("source in capitals counts as that source",
                event(PROPERTY_VIEW, "listing_id", "listing-1", "viewed_from", "EXPLORE"),
                idx(L), inc(L, "total_views"), inc(L, "anonymous_views"), inc(L, "views_from_explore"),
                uniq(L, "unique_views"), counted(PROPERTY_VIEW)));
        rows.add(row("unknown source counts as direct",
                event(PROPERTY_VIEW, "listing_id", "listing-1", "viewed_from", "newsletter"),
                idx(L), inc(L, "total_views"), inc(L, "anonymous_views"), inc(L, "views_from_direct"),
                uniq(L, "unique_views"), counted(PROPERTY_VIEW)));
        rows.add(row("no source and no is_logged_in: anonymous and direct",
                event(PROPERTY_VIEW, "listing_id", "listing-1"),
                idx(L), inc(L, "total_views"), inc(L, "anonymous_views"), inc(L, "views_from_direct"),
                uniq(L, "unique_views"), counted(PROPERTY_VIEW)));
        rows.add(row("with development_id: the listing remembers its development",
                event(PROPERTY_VIEW, "listing_id", "listing-1", "development_id", "dev-1", "viewed_from", "home"),
                idx(L), meta(L, "development_id", "dev-1"), inc(L, "total_views"), inc(L, "anonymous_views"),
                inc(L, "views_from_home"), uniq(L, "unique_views"), counted(PROPERTY_VIEW)));
        rows.add(row("seeker_id is the unique member",
                event(PROPERTY_VIEW, "listing_id", "listing-1", "seeker_id", "seeker-9").withProperty("x", 1),
                idx(L), inc(L, "total_views"), inc(L, "anonymous_views"), inc(L, "views_from_direct"),
                new Mutation.UniqueAdd(L, "unique_views", "seeker-9"), counted(PROPERTY_VIEW)));

        rows.add(row("feed impression without lister", event(LISTING_IMPRESSION, "listing_id", "listing-1", "position", 3),
                idx(L), inc(L, "feed_impressions"), counted(LISTING_IMPRESSION)));
        rows.add(row("feed impression with lister: metadata only, no lister counters",
                event(LISTING_IMPRESSION, "listing_id", "listing-1", "lister_id", "lister-1", "lister_type", "agent"),
                idx(L), meta(L, "lister_id", "lister-1"), meta(L, "lister_type", "agent"), inc(L, "feed_impressions"),
                counted(LISTING_IMPRESSION)));

        for (EventType type : List.of(IMPRESSION_SOCIAL_MEDIA, IMPRESSION_WEBSITE_VISIT, IMPRESSION_SHARE,
                IMPRESSION_SAVED_LISTING)) {
            rows.add(row("its own column and the total", event(type, "listing_id", "listing-1", "platform", "x"),
                    idx(L), inc(L, type.wireName()), inc(L, "total_impressions"), counted(type)));
        }

        for (EventType type : List.of(LEAD_PHONE, LEAD_MESSAGE, LEAD_EMAIL, LEAD_APPOINTMENT)) {
            String kind = type.wireName().substring(5);
            rows.add(row("no lister, no development", event(type, "listing_id", "listing-1"),
                    idx(L), inc(L, kind + "_leads"), inc(L, "total_leads"), uniq(L, "unique_leads"),
                    action(kind, null), counted(type)));
            rows.add(row("with lister, development and context",
                    event(type, "listing_id", "listing-1", "lister_id", "lister-1", "lister_type", "agent",
                            "development_id", "dev-1", "context", "listing_page"),
                    idx(L), meta(L, "lister_id", "lister-1"), meta(L, "lister_type", "agent"),
                    meta(L, "development_id", "dev-1"),
                    inc(L, kind + "_leads"), inc(L, "total_leads"), uniq(L, "unique_leads"),
                    action(kind, "listing_page"),
                    leadMeta("lister_id", "lister-1"), leadMeta("lister_type", "agent"), leadMeta("development_id", "dev-1"),
                    idx(U), meta(U, "user_type", "agent"),
                    inc(U, "total_listing_leads"), inc(U, "total_leads_generated"), inc(U, kind + "_leads_generated"),
                    idx(D), inc(D, "total_leads"), counted(type)));
            rows.add(row("with lister, without development",
                    event(type, "listing_id", "listing-1", "lister_id", "lister-1", "lister_type", "agency"),
                    idx(L), meta(L, "lister_id", "lister-1"), meta(L, "lister_type", "agency"),
                    inc(L, kind + "_leads"), inc(L, "total_leads"), uniq(L, "unique_leads"), action(kind, null),
                    leadMeta("lister_id", "lister-1"), leadMeta("lister_type", "agency"),
                    idx(U), meta(U, "user_type", "agency"),
                    inc(U, "total_listing_leads"), inc(U, "total_leads_generated"), inc(U, kind + "_leads_generated"),
                    counted(type)));
            rows.add(row("with development, without lister",
                    event(type, "listing_id", "listing-1", "development_id", "dev-1"),
                    idx(L), meta(L, "development_id", "dev-1"),
                    inc(L, kind + "_leads"), inc(L, "total_leads"), uniq(L, "unique_leads"), action(kind, null),
                    leadMeta("development_id", "dev-1"), idx(D), inc(D, "total_leads"), counted(type)));
        }

        rows.add(row("the profile's user, typed", event(PROFILE_VIEW, "profile_id", "profile-1", "user_type", "Agency"),
                idx(P), meta(P, "user_type", "agency"), inc(P, "profile_views"), uniq(P, "unique_profile_viewers"),
                counted(PROFILE_VIEW)));

        rows.add(row("logged in, from listings, with developer",
                event(DEVELOPMENT_VIEW, "development_id", "dev-1", "developer_id", "developer-1",
                        "viewed_from", "listings", "is_logged_in", true),
                idx(D), meta(D, "developer_id", "developer-1"), inc(D, "total_views"), inc(D, "logged_in_views"),
                inc(D, "views_from_listings"), uniq(D, "unique_views"), counted(DEVELOPMENT_VIEW)));
        for (String source : List.of("home", "listings", "search")) {
            rows.add(row("anonymous, from " + source,
                    event(DEVELOPMENT_VIEW, "development_id", "dev-1", "viewed_from", source, "is_logged_in", false),
                    idx(D), inc(D, "total_views"), inc(D, "views_from_" + source), uniq(D, "unique_views"),
                    counted(DEVELOPMENT_VIEW)));
        }
        rows.add(row("unknown source counts in the total only",
                event(DEVELOPMENT_VIEW, "development_id", "dev-1", "viewed_from", "explore"),
                idx(D), inc(D, "total_views"), uniq(D, "unique_views"), counted(DEVELOPMENT_VIEW)));
        rows.add(row("no source", event(DEVELOPMENT_VIEW, "development_id", "dev-1"),
                idx(D), inc(D, "total_views"), uniq(D, "unique_views"), counted(DEVELOPMENT_VIEW)));

        Map<EventType, String> interactions = Map.of(DEVELOPMENT_SHARE, "shares", DEVELOPMENT_SAVED, "saves",
                DEVELOPMENT_SOCIAL_CLICK, "social_clicks", DEVELOPMENT_INTERACTION, "interactions");
        for (EventType type : List.of(DEVELOPMENT_SHARE, DEVELOPMENT_SAVED, DEVELOPMENT_SOCIAL_CLICK,
                DEVELOPMENT_INTERACTION)) {
            rows.add(row("total and " + interactions.get(type), event(type, "development_id", "dev-1"),
                    idx(D), inc(D, "total_interactions"), inc(D, interactions.get(type)), counted(type)));
            rows.add(row("with developer", event(type, "development_id", "dev-1", "developer_id", "developer-1"),
                    idx(D), meta(D, "developer_id", "developer-1"), inc(D, "total_interactions"),
                    inc(D, interactions.get(type)), counted(type)));
        }

        rows.add(row("the lister's listings_created",
                event(LISTING_CREATED, "listing_id", "listing-1", "lister_id", "lister-1", "lister_type", "developer",
                        "development_id", "dev-1"),
                idx(U), meta(U, "user_type", "developer"), inc(U, "listings_created"), counted(LISTING_CREATED)));
        rows.add(row("the lister's listings_deleted",
                event(LISTING_DELETED, "listing_id", "listing-1", "lister_id", "lister-1", "lister_type", "agent"),
                idx(U), meta(U, "user_type", "agent"), inc(U, "listings_deleted"), counted(LISTING_DELETED)));

        rows.add(row("count only", event(LISTING_UPDATED, "listing_id", "listing-1", "lister_id", "lister-1",
                "lister_type", "agent"), counted(LISTING_UPDATED)));
        rows.add(row("count only", event(USER_LOGGED_IN, "user_type", "agent"), counted(USER_LOGGED_IN)));
        rows.add(row("count only", event(USER_LOGGED_OUT), counted(USER_LOGGED_OUT)));
        rows.add(row("count only", event(DEVELOPMENT_CREATED, "development_id", "dev-1", "developer_id", "d-1"),
                counted(DEVELOPMENT_CREATED)));
        return rows.stream();
    }

    static CheckedEvent check(Event event) {
        Validation validation = VALIDATOR.validate(event, NOW);
        assertThat(validation).as("validation of %s", event).isInstanceOf(Validation.Accepted.class);
        return ((Validation.Accepted) validation).event();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("contract")
    void eventCausesExactlyTheseMutationsInOrder(String variant, Event event, List<Mutation> expected) {
        CheckedEvent checked = check(event);
        MutationPlan plan = MetricContract.plan(checked);

        assertThat(plan.mutations()).containsExactlyElementsOf(expected);
        assertThat(plan.uuid()).isEqualTo("uuid-1");
        assertThat(plan.day()).isEqualTo(LocalDate.of(2025, 1, 15));
        COVERED.add(checked.type());
    }

    @Test
    void everyCatalogueTypeHasAContractRow() {
        Set<EventType> inTable = EnumSet.noneOf(EventType.class);
        contract().forEach(args -> inTable.add(EventType.fromWireName(((Event) args.get()[1]).name()).orElseThrow()));
        assertThat(inTable).containsExactlyInAnyOrder(EventType.values());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("contract")
    void everyMetricWrittenIsAColumnOfItsEntityKind(String variant, Event event, List<Mutation> ignored) {
        for (Mutation mutation : MetricContract.plan(check(event)).mutations()) {
            if (mutation instanceof Mutation.Increment increment) {
                assertThat(increment.entity().kind().counters()).contains(increment.metric());
            } else if (mutation instanceof Mutation.UniqueAdd unique) {
                assertThat(unique.entity().kind().uniques()).contains(unique.metric());
            }
        }
    }

    @Test
    void everyAcceptedEventIsCountedExactlyOnceAsTheLastMutation() {
        contract().forEach(args -> {
            List<Mutation> mutations = MetricContract.plan(check((Event) args.get()[1])).mutations();
            assertThat(mutations.stream().filter(m -> m instanceof Mutation.EventCounted)).hasSize(1);
            assertThat(mutations.get(mutations.size() - 1)).isInstanceOf(Mutation.EventCounted.class);
        });
    }

    @Test
    void eachLeadEventHasOneLeadKindNamedAfterIt() {
        assertThat(Arrays.stream(EventType.values()).filter(t -> t.category() == EventCategory.LEAD)
                .map(t -> LeadKind.of(t).orElseThrow().wireName()))
                .containsExactly("phone", "message", "email", "appointment");
        assertThat(Arrays.stream(LeadKind.values()).map(k -> k.eventType().wireName()))
                .containsExactly("lead_phone", "lead_message", "lead_email", "lead_appointment");
        assertThat(LeadKind.of(PROPERTY_VIEW)).isEmpty();
    }

    @Test
    void viewSourcesAreReadInAnyCaseAndOnlyByTheirOwnNames() {
        assertThat(ListingSource.fromWireName("Explore")).contains(ListingSource.EXPLORE);
        assertThat(ListingSource.fromWireName("listings")).isEmpty();
        assertThat(ListingSource.fromWireName(null)).isEmpty();
        assertThat(DevelopmentSource.fromWireName("LISTINGS")).contains(DevelopmentSource.LISTINGS);
        assertThat(DevelopmentSource.fromWireName("explore")).isEmpty();
        // The root locale's lower case, as the contract always read it: a dotted capital I is not an i.
        assertThat(DevelopmentSource.fromWireName("L\u0130STINGS")).isEmpty();
    }

    @Test
    void listingViewSourceFallsBackToDirect() {
        assertThat(Metrics.listingViewSource(null)).isEqualTo("views_from_direct");
        assertThat(Metrics.listingViewSource("Home")).isEqualTo("views_from_home");
        assertThat(Metrics.listingViewSource("")).isEqualTo("views_from_direct");
        assertThat(Metrics.listingViewSource("listings")).isEqualTo("views_from_direct");
    }

    @Test
    void entityKindsNameTheirUniqueColumns() {
        assertThat(EntityKind.LISTING.uniques()).containsExactly("unique_views", "unique_leads");
        assertThat(EntityKind.USER.uniques()).containsExactly("unique_profile_viewers");
        assertThat(EntityKind.DEVELOPMENT.uniques()).containsExactly("unique_views");
    }
}
