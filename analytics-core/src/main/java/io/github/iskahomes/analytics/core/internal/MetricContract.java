package io.github.iskahomes.analytics.core.internal;

import static io.github.iskahomes.analytics.core.internal.Metrics.*;
import static io.github.iskahomes.analytics.core.internal.Properties.*;

import io.github.iskahomes.analytics.core.DevelopmentSource;
import io.github.iskahomes.analytics.core.EntityKind;
import io.github.iskahomes.analytics.core.EntityRef;
import io.github.iskahomes.analytics.core.EventType;
import io.github.iskahomes.analytics.core.LeadAction;
import io.github.iskahomes.analytics.core.LeadKind;
import io.github.iskahomes.analytics.core.LeadRef;
import io.github.iskahomes.analytics.core.ListerType;
import java.util.ArrayList;
import java.util.List;

/**
 * The metric contract of the design, as code: what each event type does to the analytics state. This is the only
 * place that maps events to metrics; the ingestor executes these plans and the aggregator reads the metric names of
 * {@link EntityKind#counters()} and {@link EntityKind#uniques()}. Stateless and thread-safe.
 */
public final class MetricContract {

    private MetricContract() {
    }

    /** The mutations a validated event causes. */
    public static MutationPlan plan(CheckedEvent event) {
        Builder plan = new Builder();
        String seeker = event.seekerId();
        switch (event.type()) {
            case PROPERTY_VIEW -> {
                EntityRef listing = listingOf(event, plan);
                plan.increment(listing, TOTAL_VIEWS);
                plan.increment(listing, isLoggedIn(event) ? LOGGED_IN_VIEWS : ANONYMOUS_VIEWS);
                plan.increment(listing, listingViewSource(event.text(VIEWED_FROM)));
                plan.unique(listing, UNIQUE_VIEWS, seeker);
                EntityRef lister = listerOf(event, plan);
                if (lister != null) {
                    plan.increment(lister, TOTAL_LISTING_VIEWS);
                }
            }
            case LISTING_IMPRESSION -> plan.increment(listingOf(event, plan), FEED_IMPRESSIONS);
            case IMPRESSION_SOCIAL_MEDIA, IMPRESSION_WEBSITE_VISIT, IMPRESSION_SHARE, IMPRESSION_SAVED_LISTING -> {
                EntityRef listing = listingOf(event, plan);
                plan.increment(listing, event.type().wireName());
                plan.increment(listing, TOTAL_IMPRESSIONS);
            }
            case LEAD_PHONE, LEAD_MESSAGE, LEAD_EMAIL, LEAD_APPOINTMENT -> lead(event, plan);
            case PROFILE_VIEW -> {
                EntityRef profile = EntityRef.user(event.text(PROFILE_ID));
                plan.index(profile);
                plan.metadata(profile, META_USER_TYPE, userType(event.text(USER_TYPE)));
                plan.increment(profile, PROFILE_VIEWS);
                plan.unique(profile, UNIQUE_PROFILE_VIEWERS, seeker);
            }
            case DEVELOPMENT_VIEW -> {
                EntityRef development = developmentOf(event, plan);
                plan.increment(development, TOTAL_VIEWS);
                if (isLoggedIn(event)) {
                    plan.increment(development, LOGGED_IN_VIEWS);
                }
                // Another source, or none, counts in the total only.
                DevelopmentSource.fromWireName(event.text(VIEWED_FROM))
                        .ifPresent(source -> plan.increment(development, developmentViewSource(source)));
                plan.unique(development, UNIQUE_VIEWS, seeker);
            }
            case DEVELOPMENT_SHARE, DEVELOPMENT_SAVED, DEVELOPMENT_SOCIAL_CLICK, DEVELOPMENT_INTERACTION -> {
                EntityRef development = developmentOf(event, plan);
                plan.increment(development, TOTAL_INTERACTIONS);
                plan.increment(development, switch (event.type()) {
                    case DEVELOPMENT_SHARE -> SHARES;
                    case DEVELOPMENT_SAVED -> SAVES;
                    case DEVELOPMENT_SOCIAL_CLICK -> SOCIAL_CLICKS;
                    default -> INTERACTIONS;
                });
            }
            case LISTING_CREATED, LISTING_DELETED -> {
                EntityRef lister = listerOf(event, plan);
                plan.increment(lister, event.type() == EventType.LISTING_CREATED ? LISTINGS_CREATED : LISTINGS_DELETED);
            }
            case LISTING_UPDATED, USER_LOGGED_IN, USER_LOGGED_OUT, DEVELOPMENT_CREATED -> {
                // Counted per type and day below, nothing else: the contract gives them no columns.
            }
        }
        plan.add(new Mutation.EventCounted(event.type()));
        return new MutationPlan(event.uuid(), event.day(), plan.mutations);
    }

    private static void lead(CheckedEvent event, Builder plan) {
        LeadKind leadKind = LeadKind.of(event.type()).orElseThrow();
        String kind = leadKind.wireName();
        EntityRef listing = listingOf(event, plan);
        plan.increment(listing, leads(leadKind));
        plan.increment(listing, TOTAL_LEADS);
        plan.unique(listing, UNIQUE_LEADS, event.seekerId());

        LeadRef lead = new LeadRef(listing.id(), event.seekerId());
        plan.add(new Mutation.LeadActionAppend(lead,
                new LeadAction(event.uuid(), kind, event.event().timestamp(), event.text(CONTEXT))));
        String listerId = event.text(LISTER_ID);
        if (listerId != null) {
            plan.add(new Mutation.LeadMetadataSet(lead, META_LISTER_ID, listerId));
            plan.add(new Mutation.LeadMetadataSet(lead, META_LISTER_TYPE, userType(event.text(LISTER_TYPE))));
        }
        String developmentId = event.text(DEVELOPMENT_ID);
        if (developmentId != null) {
            plan.add(new Mutation.LeadMetadataSet(lead, META_DEVELOPMENT_ID, developmentId));
        }

        EntityRef lister = listerOf(event, plan);
        if (lister != null) {
            plan.increment(lister, TOTAL_LISTING_LEADS);
            plan.increment(lister, TOTAL_LEADS_GENERATED);
            plan.increment(lister, leadsGenerated(leadKind));
        }
        if (developmentId != null) {
            EntityRef development = EntityRef.development(developmentId);
            plan.index(development);
            plan.increment(development, TOTAL_LEADS);
        }
    }

    private static EntityRef listingOf(CheckedEvent event, Builder plan) {
        EntityRef listing = EntityRef.listing(event.text(LISTING_ID));
        plan.index(listing);
        String listerId = event.text(LISTER_ID);
        if (listerId != null) {
            plan.metadata(listing, META_LISTER_ID, listerId);
            plan.metadata(listing, META_LISTER_TYPE, userType(event.text(LISTER_TYPE)));
        }
        String developmentId = event.text(DEVELOPMENT_ID);
        if (developmentId != null) {
            plan.metadata(listing, META_DEVELOPMENT_ID, developmentId);
        }
        return listing;
    }

    /** The lister as a user entity, indexed and typed, or {@code null} when the event names no lister. */
    private static EntityRef listerOf(CheckedEvent event, Builder plan) {
        String listerId = event.text(LISTER_ID);
        if (listerId == null) {
            return null;
        }
        EntityRef lister = EntityRef.user(listerId);
        plan.index(lister);
        plan.metadata(lister, META_USER_TYPE, userType(event.text(LISTER_TYPE)));
        return lister;
    }

    private static EntityRef developmentOf(CheckedEvent event, Builder plan) {
        EntityRef development = EntityRef.development(event.text(DEVELOPMENT_ID));
        plan.index(development);
        String developerId = event.text(DEVELOPER_ID);
        if (developerId != null) {
            plan.metadata(development, META_DEVELOPER_ID, developerId);
        }
        return development;
    }

    private static boolean isLoggedIn(CheckedEvent event) {
        return "true".equalsIgnoreCase(event.text(IS_LOGGED_IN));
    }

    /** Lister and user types as stored: the catalogue's wire name ({@code AGENT} becomes {@code agent}). */
    private static String userType(String type) {
        return ListerType.fromWireName(type).map(ListerType::wireName).orElseThrow(
                () -> new IllegalStateException("a checked event has lister type " + type));
    }

    private static final class Builder {
        private final List<Mutation> mutations = new ArrayList<>(12);

        void add(Mutation mutation) {
            mutations.add(mutation);
        }

        void increment(EntityRef entity, String metric) {
            mutations.add(new Mutation.Increment(entity, metric, 1));
        }

        void unique(EntityRef entity, String metric, String member) {
            mutations.add(new Mutation.UniqueAdd(entity, metric, member));
        }

        void metadata(EntityRef entity, String field, String value) {
            mutations.add(new Mutation.MetadataSet(entity, field, value));
        }

        void index(EntityRef entity) {
            mutations.add(new Mutation.IndexAdd(entity));
        }
    }
}
