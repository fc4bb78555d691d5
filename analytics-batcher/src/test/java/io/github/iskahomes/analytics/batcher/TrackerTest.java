package io.github.iskahomes.analytics.batcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iskahomes.analytics.core.DevelopmentInteraction;
import io.github.iskahomes.analytics.core.DevelopmentSource;
import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.EventType;
import io.github.iskahomes.analytics.core.ImpressionKind;
import io.github.iskahomes.analytics.core.LeadKind;
import io.github.iskahomes.analytics.core.ListerType;
import io.github.iskahomes.analytics.core.ListingSource;
import io.github.iskahomes.analytics.core.internal.EventValidator;
import io.github.iskahomes.analytics.core.internal.Validation;
import io.github.iskahomes.analytics.core.internal.ValidationRules;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TrackerTest {
    private final List<Event> delivered = new CopyOnWriteArrayList<>();
    private final EventBatcher batcher = EventBatcher.builder()
            .config(BatcherConfig.builder().flushInterval(Duration.ofHours(1)).build())
            .sink(IngestorSink.ignoringRejections(delivered::addAll))
            .build();
    private final Tracker tracker = Tracker.of(batcher, "seeker-456", true);
    private final EventValidator validator = new EventValidator(ValidationRules.defaults());

    @AfterEach
    void close() {
        batcher.close();
    }

    /** One row per facade call: the event type it must produce and its exact properties. */
    static Stream<Arguments> calls() {
        Instant at = Instant.parse("2030-01-15T10:00:00Z");
        return Stream.of(
                row(EventType.PROPERTY_VIEW, t -> t.trackPropertyView("listing-123", ListingSource.HOME, "dev-1",
                        ListerType.DEVELOPER), "listing_id", "listing-123", "lister_id", "dev-1", "lister_type", "developer",
                        "viewed_from", "home", "is_logged_in", true),
                row(EventType.PROPERTY_VIEW, t -> t.trackPropertyView("listing-123", null, null, null),
                        "listing_id", "listing-123", "is_logged_in", true),
                row(EventType.LISTING_IMPRESSION, t -> t.trackListingImpression("listing-123", "agent-7", ListerType.AGENT,
                        ListingSource.EXPLORE, 3), "listing_id", "listing-123", "lister_id", "agent-7",
                        "lister_type", "agent", "viewed_from", "explore", "position", 3),
                row(EventType.IMPRESSION_SOCIAL_MEDIA, t -> t.trackImpression(ImpressionKind.SOCIAL_MEDIA, "listing-123",
                        "agency-2", ListerType.AGENCY, "instagram"), "listing_id", "listing-123", "lister_id", "agency-2",
                        "lister_type", "agency", "platform", "instagram"),
                row(EventType.IMPRESSION_WEBSITE_VISIT, t -> t.trackImpression(ImpressionKind.WEBSITE_VISIT,
                        "listing-123", null, null, null), "listing_id", "listing-123"),
                row(EventType.IMPRESSION_SHARE, t -> t.trackImpression(ImpressionKind.SHARE, "listing-123",
                        "pm-1", ListerType.PROPERTY_MANAGER, "whatsapp"), "listing_id", "listing-123", "lister_id", "pm-1",
                        "lister_type", "property_manager", "platform", "whatsapp"),
                row(EventType.IMPRESSION_SAVED_LISTING, t -> t.trackImpression(ImpressionKind.SAVED_LISTING,
                        "listing-123", null, null, null), "listing_id", "listing-123"),
                row(EventType.LEAD_PHONE, t -> t.trackLead(LeadKind.PHONE, "listing-123", "dev-1", ListerType.DEVELOPER,
                        "devt-9", "listing_page"), "listing_id", "listing-123", "lister_id", "dev-1",
                        "lister_type", "developer", "development_id", "devt-9", "context", "listing_page"),
                row(EventType.LEAD_MESSAGE, t -> t.trackLead(LeadKind.MESSAGE, "listing-123", null, null, null, null,
                        "Is it still available?", null), "listing_id", "listing-123", "message", "Is it still available?"),
                row(EventType.LEAD_EMAIL, t -> t.trackLead(LeadKind.EMAIL, "listing-123", null, null, null, null),
                        "listing_id", "listing-123"),
                row(EventType.LEAD_EMAIL, t -> t.trackLead(LeadKind.EMAIL, "listing-123", "agent-7", ListerType.AGENT,
                        "search_results"), "listing_id", "listing-123", "lister_id", "agent-7", "lister_type", "agent",
                        "context", "search_results"),
                row(EventType.LEAD_APPOINTMENT, t -> t.trackLead(LeadKind.APPOINTMENT, "listing-123", null, null, null,
                        "chat", null, at), "listing_id", "listing-123", "context", "chat",
                        "appointment_at", "2030-01-15T10:00:00Z"),
                row(EventType.PROFILE_VIEW, t -> t.trackProfileView("agent-7", ListerType.AGENT, "search"),
                        "profile_id", "agent-7", "user_type", "agent", "viewed_from", "search"),
                row(EventType.DEVELOPMENT_VIEW, t -> t.trackDevelopmentView("devt-9", "dev-1", DevelopmentSource.LISTINGS),
                        "development_id", "devt-9", "developer_id", "dev-1", "viewed_from", "listings", "is_logged_in", true),
                row(EventType.DEVELOPMENT_SHARE, t -> t.trackDevelopmentInteraction(DevelopmentInteraction.SHARE,
                        "devt-9", "dev-1", "facebook"), "development_id", "devt-9", "developer_id", "dev-1",
                        "platform", "facebook"),
                row(EventType.DEVELOPMENT_SAVED, t -> t.trackDevelopmentInteraction(DevelopmentInteraction.SAVED,
                        "devt-9", null, "ignored"), "development_id", "devt-9"),
                row(EventType.DEVELOPMENT_SOCIAL_CLICK, t -> t.trackDevelopmentInteraction(
                        DevelopmentInteraction.SOCIAL_CLICK, "devt-9", null, "x"), "development_id", "devt-9",
                        "platform", "x"),
                row(EventType.DEVELOPMENT_INTERACTION, t -> t.trackDevelopmentInteraction(
                        DevelopmentInteraction.INTERACTION, "devt-9", null, "brochure_download"),
                        "development_id", "devt-9", "interaction_type", "brochure_download"),
                row(EventType.LISTING_CREATED, t -> t.trackListingCreated("listing-123", "dev-1", ListerType.DEVELOPER,
                        "devt-9"), "listing_id", "listing-123", "lister_id", "dev-1", "lister_type", "developer",
                        "development_id", "devt-9"),
                row(EventType.LISTING_UPDATED, t -> t.trackListingUpdated("listing-123", null, null),
                        "listing_id", "listing-123"),
                row(EventType.LISTING_DELETED, t -> t.trackListingDeleted("listing-123", "dev-1", ListerType.DEVELOPER),
                        "listing_id", "listing-123", "lister_id", "dev-1", "lister_type", "developer"),
                row(EventType.USER_LOGGED_IN, t -> t.trackUserLoggedIn("seeker"), "user_type", "seeker"),
                row(EventType.USER_LOGGED_OUT, t -> t.trackUserLoggedOut(null)),
                row(EventType.DEVELOPMENT_CREATED, t -> t.trackDevelopmentCreated("devt-9", "dev-1"),
                        "development_id", "devt-9", "developer_id", "dev-1"));
    }

    private static Arguments row(EventType type, Function<Tracker, Event> call, Object... keyValues) {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.put((String) keyValues[i], keyValues[i + 1]);
        }
        return Arguments.of(type, call, properties);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("calls")
    void everyCallBuildsAnEventTheValidatorAccepts(EventType type, Function<Tracker, Event> call,
                                                  Map<String, Object> properties) {
        Event event = call.apply(tracker);

        assertThat(event.name()).isEqualTo(type.wireName());
        assertThat(event.distinctId()).isEqualTo("seeker-456");
        assertThat(event.properties()).containsExactlyEntriesOf(properties);
        Validation validation = validator.validate(event, Instant.now());
        assertThat(validation).isInstanceOf(Validation.Accepted.class);
        Validation.Accepted accepted = (Validation.Accepted) validation;
        assertThat(accepted.event().type()).isEqualTo(type);
        assertThat(accepted.event().uuid()).isEqualTo(event.uuid());
    }

    @Test
    void theFacadeCoversEveryCataloguedEventType() {
        Set<EventType> covered = EnumSet.noneOf(EventType.class);
        calls().forEach(arguments -> covered.add((EventType) arguments.get()[0]));
        assertThat(covered).containsExactlyInAnyOrder(EventType.values());
    }

    @Test
    void trackedEventsReachTheSinkInOrder() throws Exception {
        Event first = tracker.trackPropertyView("listing-1", ListingSource.SEARCH, null, null);
        Event second = tracker.trackLead(LeadKind.EMAIL, "listing-1", null, null, null, null);

        assertThat(batcher.flush(Duration.ofSeconds(20))).isTrue();

        assertThat(delivered).containsExactly(first, second);
    }
}
