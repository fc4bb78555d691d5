package io.github.iskahomes.analytics.examples.demo;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the tables must hold after the simulated traffic, tallied by the simulator itself (not by the library's
 * metric contract), so comparing it with PostgreSQL checks the whole pipeline.
 */
public final class Expected {

    /** One cell of a day table: an entity's metric on a day. */
    public record Cell(String kind, String id, LocalDate day, String metric) {
    }

    /** One lead. */
    public record Lead(String listingId, String seekerId) {
    }

    private final Map<Cell, Long> counters = new HashMap<>();
    private final Map<Cell, Set<String>> uniques = new HashMap<>();
    private final Map<Lead, Long> leadActions = new HashMap<>();
    private final Map<String, Long> eventsByType = new TreeMap<>();
    private final Map<String, String> userTypes = new HashMap<>();
    private final Map<String, Long> salesByListing = new HashMap<>();
    private final Map<String, BigDecimal> salesValueByListing = new HashMap<>();
    private final Map<String, Long> salesByLister = new HashMap<>();
    private final Map<String, Long> salesByDevelopment = new HashMap<>();
    private long events;

    void event(String name) {
        eventsByType.merge(name, 1L, Long::sum);
        events++;
    }

    void count(String kind, String id, LocalDate day, String metric) {
        counters.merge(new Cell(kind, id, day, metric), 1L, Long::sum);
    }

    void unique(String kind, String id, LocalDate day, String metric, String member) {
        uniques.computeIfAbsent(new Cell(kind, id, day, metric), k -> new HashSet<>()).add(member);
    }

    void userType(String lister, String type) {
        userTypes.put(lister, type);
    }

    void listingView(String listing, LocalDate day, String seeker, String source, boolean loggedIn, String lister) {
        count("listing", listing, day, "total_views");
        count("listing", listing, day, loggedIn ? "logged_in_views" : "anonymous_views");
        String known = switch (source) {
            case "home", "explore", "search", "direct" -> source;
            default -> "direct";
        };
        count("listing", listing, day, "views_from_" + known);
        unique("listing", listing, day, "unique_views", seeker);
        count("user", lister, day, "total_listing_views");
    }

    void lead(String listing, LocalDate day, String seeker, String kind, String lister, String development) {
        count("listing", listing, day, kind + "_leads");
        count("listing", listing, day, "total_leads");
        unique("listing", listing, day, "unique_leads", seeker);
        count("user", lister, day, "total_listing_leads");
        count("user", lister, day, "total_leads_generated");
        count("user", lister, day, kind + "_leads_generated");
        if (development != null) {
            count("development", development, day, "total_leads");
        }
        leadActions.merge(new Lead(listing, seeker), 1L, Long::sum);
    }

    void developmentView(String development, LocalDate day, String seeker, String source, boolean loggedIn) {
        count("development", development, day, "total_views");
        if (loggedIn) {
            count("development", development, day, "logged_in_views");
        }
        if (source.equals("home") || source.equals("listings") || source.equals("search")) {
            count("development", development, day, "views_from_" + source);
        }
        unique("development", development, day, "unique_views", seeker);
    }

    void developmentInteraction(String development, LocalDate day, String event) {
        count("development", development, day, "total_interactions");
        count("development", development, day, switch (event) {
            case "development_share" -> "shares";
            case "development_saved" -> "saves";
            case "development_social_click" -> "social_clicks";
            default -> "interactions";
        });
    }

    void sale(TrafficSimulator.SimulatedSale sale, String lister, String development) {
        salesByListing.merge(sale.listingId(), 1L, Long::sum);
        salesValueByListing.merge(sale.listingId(), sale.price(), BigDecimal::add);
        salesByLister.merge(lister, 1L, Long::sum);
        if (development != null) {
            salesByDevelopment.merge(development, 1L, Long::sum);
        }
    }

    public Map<Cell, Long> counters() {
        return counters;
    }

    public Map<Cell, Set<String>> uniques() {
        return uniques;
    }

    public Map<Lead, Long> leadActions() {
        return leadActions;
    }

    public Map<String, Long> eventsByType() {
        return eventsByType;
    }

    public Map<String, String> userTypes() {
        return userTypes;
    }

    public Map<String, Long> salesByListing() {
        return salesByListing;
    }

    public Map<String, BigDecimal> salesValueByListing() {
        return salesValueByListing;
    }

    public Map<String, Long> salesByLister() {
        return salesByLister;
    }

    public Map<String, Long> salesByDevelopment() {
        return salesByDevelopment;
    }

    public long events() {
        return events;
    }

    /** Sum of a metric over every entity of a kind and every day. */
    public long total(String kind, String metric) {
        return counters.entrySet().stream()
                .filter(e -> e.getKey().kind().equals(kind) && e.getKey().metric().equals(metric))
                .mapToLong(Map.Entry::getValue).sum();
    }
}
