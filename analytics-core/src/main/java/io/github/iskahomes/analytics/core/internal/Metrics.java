package io.github.iskahomes.analytics.core.internal;

import io.github.iskahomes.analytics.core.DevelopmentSource;
import io.github.iskahomes.analytics.core.LeadKind;
import io.github.iskahomes.analytics.core.ListingSource;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The metric names of the contract, in one place: they are the suffixes of Redis day keys and the column names of
 * the PostgreSQL tables. Add a metric here and in {@link MetricContract}; the ingestor and aggregator follow.
 */
public final class Metrics {
    // listing_analytics
    public static final String TOTAL_VIEWS = "total_views";
    public static final String UNIQUE_VIEWS = "unique_views";
    public static final String LOGGED_IN_VIEWS = "logged_in_views";
    public static final String ANONYMOUS_VIEWS = "anonymous_views";
    public static final String FEED_IMPRESSIONS = "feed_impressions";
    public static final String TOTAL_IMPRESSIONS = "total_impressions";
    public static final String TOTAL_LEADS = "total_leads";
    public static final String UNIQUE_LEADS = "unique_leads";
    // user_analytics
    public static final String PROFILE_VIEWS = "profile_views";
    public static final String UNIQUE_PROFILE_VIEWERS = "unique_profile_viewers";
    public static final String TOTAL_LISTING_VIEWS = "total_listing_views";
    public static final String TOTAL_LISTING_LEADS = "total_listing_leads";
    public static final String TOTAL_LEADS_GENERATED = "total_leads_generated";
    public static final String LISTINGS_CREATED = "listings_created";
    public static final String LISTINGS_DELETED = "listings_deleted";
    // development_analytics
    public static final String TOTAL_INTERACTIONS = "total_interactions";
    public static final String SHARES = "shares";
    public static final String SAVES = "saves";
    public static final String SOCIAL_CLICKS = "social_clicks";
    public static final String INTERACTIONS = "interactions";

    /** Metadata fields kept per entity and day (a Redis hash; last write wins). */
    public static final String META_LISTER_ID = "lister_id";
    public static final String META_LISTER_TYPE = "lister_type";
    public static final String META_USER_TYPE = "user_type";
    public static final String META_DEVELOPMENT_ID = "development_id";
    public static final String META_DEVELOPER_ID = "developer_id";

    public static final List<String> LISTING_COUNTERS = List.of(
            TOTAL_VIEWS, LOGGED_IN_VIEWS, ANONYMOUS_VIEWS,
            "views_from_home", "views_from_explore", "views_from_search", "views_from_direct",
            FEED_IMPRESSIONS, TOTAL_IMPRESSIONS,
            "impression_social_media", "impression_website_visit", "impression_share", "impression_saved_listing",
            TOTAL_LEADS, "phone_leads", "message_leads", "email_leads", "appointment_leads");
    public static final List<String> LISTING_UNIQUES = List.of(UNIQUE_VIEWS, UNIQUE_LEADS);

    public static final List<String> USER_COUNTERS = List.of(
            PROFILE_VIEWS, TOTAL_LISTING_VIEWS, TOTAL_LISTING_LEADS, TOTAL_LEADS_GENERATED,
            "phone_leads_generated", "message_leads_generated", "email_leads_generated", "appointment_leads_generated",
            LISTINGS_CREATED, LISTINGS_DELETED);
    public static final List<String> USER_UNIQUES = List.of(UNIQUE_PROFILE_VIEWERS);

    public static final List<String> DEVELOPMENT_COUNTERS = List.of(
            TOTAL_VIEWS, LOGGED_IN_VIEWS, "views_from_home", "views_from_listings", "views_from_search",
            TOTAL_LEADS, TOTAL_INTERACTIONS, SHARES, SAVES, SOCIAL_CLICKS, INTERACTIONS);
    public static final List<String> DEVELOPMENT_UNIQUES = List.of(UNIQUE_VIEWS);

    private Metrics() {
    }

    /** The listing counter for views from a source: {@code views_from_home}; unknown sources are {@code direct}. */
    static String listingViewSource(String viewedFrom) {
        return LISTING_VIEWS_FROM.get(ListingSource.fromWireName(viewedFrom).orElse(ListingSource.DIRECT));
    }

    /** The development counter for views from a source: {@code views_from_home}. */
    static String developmentViewSource(DevelopmentSource source) {
        return DEVELOPMENT_VIEWS_FROM.get(source);
    }

    /** The listing counter of a lead kind ({@code phone_leads}) and the lister's ({@code phone_leads_generated}). */
    static String leads(LeadKind kind) {
        return LEADS.get(kind);
    }

    static String leadsGenerated(LeadKind kind) {
        return LEADS_GENERATED.get(kind);
    }

    /** The counter of views from a listing or development source: {@code views_from_<source>}. */
    static String viewsFrom(String source) {
        return "views_from_" + source;
    }

    // The names above, made once instead of once per event.
    private static final Map<ListingSource, String> LISTING_VIEWS_FROM = names(ListingSource.class,
            source -> viewsFrom(source.wireName()));
    private static final Map<DevelopmentSource, String> DEVELOPMENT_VIEWS_FROM = names(DevelopmentSource.class,
            source -> viewsFrom(source.wireName()));
    private static final Map<LeadKind, String> LEADS = names(LeadKind.class, kind -> kind.wireName() + "_leads");
    private static final Map<LeadKind, String> LEADS_GENERATED = names(LeadKind.class,
            kind -> kind.wireName() + "_leads_generated");

    private static <E extends Enum<E>> Map<E, String> names(Class<E> type, Function<E, String> name) {
        Map<E, String> names = new EnumMap<>(type);
        for (E constant : type.getEnumConstants()) {
            names.put(constant, name.apply(constant));
        }
        return names;
    }
}
