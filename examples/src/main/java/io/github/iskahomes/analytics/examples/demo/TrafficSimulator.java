package io.github.iskahomes.analytics.examples.demo;

import io.github.iskahomes.analytics.core.BusinessCalendar;
import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.ListerType;
import io.github.iskahomes.analytics.jdbc.Sale;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Seeded, realistic marketplace traffic: seekers browsing listings from home, explore and search, some of them
 * becoming phone, message, email and appointment leads; profile and development views and interactions; listings
 * created and deleted; a few sales; listers of every type; timestamps spread over several days.
 *
 * <p>While it generates, it keeps its own tally of what every table should hold ({@link Expected}), written
 * independently of the library's metric contract so the demo's verification is a real check.
 */
public final class TrafficSimulator {

    /** Sizes of the simulated marketplace. */
    public record Options(int events, int days, long seed, int listings, int listers, int developments, int seekers) {
        public static Options of(int events, int days, long seed) {
            int listings = Math.max(20, Math.min(2_000, events / 50));
            return new Options(events, days, seed, listings, Math.max(8, listings / 8), Math.max(4, listings / 25),
                    Math.max(50, events / 8));
        }
    }

    /** A sale the demo records through the sales ledger. */
    public record SimulatedSale(String listingId, String listerId, String listerType, String developmentId,
                                String buyerId, BigDecimal price, LocalDate saleDate, Instant saleTimestamp) {

        /** The sale as the host records it in the ledger. */
        public Sale toSale() {
            return Sale.of(listingId, price, "USD", saleTimestamp).withBuyer(buyerId, null)
                    .withLister(listerId, listerType).withDevelopmentId(developmentId);
        }
    }

    private static final String[] LISTING_SOURCES = {"home", "explore", "search", "direct", "newsletter"};
    private static final String[] DEVELOPMENT_SOURCES = {"home", "listings", "search", "map"};
    private static final String[] IMPRESSIONS = {"impression_social_media", "impression_website_visit",
        "impression_share", "impression_saved_listing"};
    private static final String[] LEADS = {"phone", "message", "email", "appointment"};
    private static final String[] DEVELOPMENT_INTERACTIONS = {"development_share", "development_saved",
        "development_social_click", "development_interaction"};

    private final Options options;
    private final BusinessCalendar calendar;
    private final Instant now;
    private final SplittableRandom random;
    private final Expected expected = new Expected();
    private final List<SimulatedSale> sales = new ArrayList<>();
    private final String[] listerOfListing;
    private final String[] developmentOfListing;
    private final ListerType[] listerTypes;
    private final String[] developerOfDevelopment;

    public TrafficSimulator(Options options, BusinessCalendar calendar, Instant now) {
        this.options = options;
        this.calendar = calendar;
        this.now = now;
        this.random = new SplittableRandom(options.seed());
        ListerType[] types = ListerType.values();
        listerTypes = new ListerType[options.listers()];
        for (int i = 0; i < listerTypes.length; i++) {
            listerTypes[i] = types[i % types.length]; // every type present
        }
        developerOfDevelopment = new String[options.developments()];
        for (int d = 0; d < developerOfDevelopment.length; d++) {
            developerOfDevelopment[d] = lister(d * types.length % options.listers()); // developers: index % 4 == 0
        }
        listerOfListing = new String[options.listings()];
        developmentOfListing = new String[options.listings()];
        for (int l = 0; l < listerOfListing.length; l++) {
            int development = l % 3 == 0 ? l / 3 % options.developments() : -1;
            if (development >= 0) {
                listerOfListing[l] = developerOfDevelopment[development];
                developmentOfListing[l] = development(development);
            } else {
                listerOfListing[l] = lister(random.nextInt(options.listers()));
            }
        }
    }

    public Options options() {
        return options;
    }

    public Expected expected() {
        return expected;
    }

    public List<SimulatedSale> sales() {
        return sales;
    }

    /** Generates {@link Options#events()} events, handing each to {@code sink}, then the sales. */
    public void run(Consumer<Event> sink) {
        int perDay = Math.max(1, options.events() / options.days());
        for (int i = 0; i < options.events(); i++) {
            int dayIndex = Math.min(options.days() - 1, i / perDay);
            sink.accept(next(timestampOn(dayIndex)));
        }
        simulateSales();
    }

    /**
     * Generates events on days picked at random while {@code more} says so (a run bounded by time rather than by
     * count, as the soak benchmark's), then the sales. {@link Options#events()} is ignored.
     */
    public void runWhile(BooleanSupplier more, Consumer<Event> sink) {
        while (more.getAsBoolean()) {
            sink.accept(next(timestampOn(random.nextInt(options.days()))));
        }
        simulateSales();
    }

    private void simulateSales() {
        for (int s = 0; s < Math.max(1, options.listings() / 40); s++) {
            int listing = random.nextInt(options.listings());
            int dayIndex = random.nextInt(options.days());
            Instant at = timestampOn(dayIndex);
            BigDecimal price = BigDecimal.valueOf(150_000 + random.nextInt(850_000)).setScale(2, RoundingMode.HALF_UP);
            String lister = listerOfListing[listing];
            SimulatedSale sale = new SimulatedSale(listing(listing), lister, typeOf(lister).wireName(),
                    developmentOfListing[listing], seeker(random.nextInt(options.seekers())), price, calendar.dayOf(at),
                    at);
            sales.add(sale);
            expected.sale(sale, listerOfListing[listing], developmentOfListing[listing]);
        }
    }

    /** Day 0 is the oldest; the last day is today, with timestamps no later than now. */
    private Instant timestampOn(int dayIndex) {
        LocalDate day = calendar.dayOf(now).minusDays(options.days() - 1L - dayIndex);
        Instant start = calendar.startOf(day);
        Instant end = calendar.endOf(day).isAfter(now) ? now : calendar.endOf(day);
        long span = Math.max(1, Duration.between(start, end).toMillis());
        return start.plusMillis(random.nextLong(span));
    }

    private Event next(Instant at) {
        int roll = random.nextInt(1000);
        int l = random.nextInt(options.listings());
        String listing = listing(l);
        String lister = listerOfListing[l];
        String listerType = typeOf(lister).wireName();
        String seeker = seeker(random.nextInt(options.seekers()));
        LocalDate day = calendar.dayOf(at);
        Map<String, Object> p = new LinkedHashMap<>();
        String name;
        if (roll < 520) {
            name = "property_view";
            String source = LISTING_SOURCES[random.nextInt(LISTING_SOURCES.length)];
            boolean loggedIn = random.nextInt(3) > 0;
            p.put("listing_id", listing);
            p.put("lister_id", lister);
            p.put("lister_type", listerType);
            p.put("viewed_from", source);
            p.put("is_logged_in", loggedIn);
            expected.listingView(listing, day, seeker, source, loggedIn, lister);
        } else if (roll < 700) {
            name = "listing_impression";
            p.put("listing_id", listing);
            expected.count("listing", listing, day, "feed_impressions");
        } else if (roll < 760) {
            name = IMPRESSIONS[random.nextInt(IMPRESSIONS.length)];
            p.put("listing_id", listing);
            p.put("lister_id", lister);
            p.put("lister_type", listerType);
            expected.count("listing", listing, day, name);
            expected.count("listing", listing, day, "total_impressions");
            expected.userType(lister, listerType);
        } else if (roll < 820) {
            String kind = LEADS[random.nextInt(LEADS.length)];
            name = "lead_" + kind;
            p.put("listing_id", listing);
            p.put("lister_id", lister);
            p.put("lister_type", listerType);
            p.put("context", "listing_page");
            if (developmentOfListing[l] != null) {
                p.put("development_id", developmentOfListing[l]);
            }
            expected.lead(listing, day, seeker, kind, lister, developmentOfListing[l]);
        } else if (roll < 880) {
            name = "profile_view";
            p.put("profile_id", lister);
            p.put("user_type", listerType);
            expected.count("user", lister, day, "profile_views");
            expected.unique("user", lister, day, "unique_profile_viewers", seeker);
            expected.userType(lister, listerType);
        } else if (roll < 950) {
            name = "development_view";
            int d = random.nextInt(options.developments());
            String source = DEVELOPMENT_SOURCES[random.nextInt(DEVELOPMENT_SOURCES.length)];
            boolean loggedIn = random.nextBoolean();
            p.put("development_id", development(d));
            p.put("developer_id", developerOfDevelopment[d]);
            p.put("viewed_from", source);
            p.put("is_logged_in", loggedIn);
            expected.developmentView(development(d), day, seeker, source, loggedIn);
        } else if (roll < 985) {
            int d = random.nextInt(options.developments());
            name = DEVELOPMENT_INTERACTIONS[random.nextInt(DEVELOPMENT_INTERACTIONS.length)];
            p.put("development_id", development(d));
            p.put("developer_id", developerOfDevelopment[d]);
            expected.developmentInteraction(development(d), day, name);
        } else {
            int pick = random.nextInt(6);
            switch (pick) {
                case 0, 1 -> {
                    name = pick == 0 ? "listing_created" : "listing_deleted";
                    p.put("listing_id", listing);
                    p.put("lister_id", lister);
                    p.put("lister_type", listerType);
                    expected.count("user", lister, day, pick == 0 ? "listings_created" : "listings_deleted");
                    expected.userType(lister, listerType);
                }
                case 2 -> {
                    name = "listing_updated";
                    p.put("listing_id", listing);
                }
                case 3 -> name = "user_logged_in";
                case 4 -> name = "user_logged_out";
                default -> {
                    name = "development_created";
                    int d = random.nextInt(options.developments());
                    p.put("development_id", development(d));
                    p.put("developer_id", developerOfDevelopment[d]);
                }
            }
        }
        expected.event(name);
        return new Event(name, seeker, at, UUID.randomUUID().toString(), p);
    }

    private ListerType typeOf(String lister) {
        return listerTypes[Integer.parseInt(lister.substring(lister.lastIndexOf('-') + 1))];
    }

    static String listing(int i) {
        return "listing-" + i;
    }

    static String lister(int i) {
        return "lister-" + i;
    }

    static String development(int i) {
        return "development-" + i;
    }

    static String seeker(int i) {
        return "seeker-" + i;
    }
}
