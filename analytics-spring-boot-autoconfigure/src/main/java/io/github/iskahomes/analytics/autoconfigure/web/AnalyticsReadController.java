package io.github.iskahomes.analytics.autoconfigure.web;

import static io.github.iskahomes.analytics.autoconfigure.web.RequestValues.choice;
import static io.github.iskahomes.analytics.autoconfigure.web.RequestValues.date;
import static io.github.iskahomes.analytics.autoconfigure.web.RequestValues.json;
import static io.github.iskahomes.analytics.autoconfigure.web.RequestValues.wholeNumber;

import io.github.iskahomes.analytics.core.BusinessCalendar;
import io.github.iskahomes.analytics.jdbc.AnalyticsQueries;
import io.github.iskahomes.analytics.jdbc.Grain;
import io.github.iskahomes.analytics.jdbc.Ranking;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Objects;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The read endpoints of the dashboards, under {@code analytics.web.read-path} ({@code /api/analytics}), with the
 * JSON of the standalone server:
 * <ul>
 *   <li>{@code GET /api/analytics/{listings|listers|developments}/{id}?from=2025-01-01&to=2025-01-31&grain=day|week|month|quarter|year}:
 *       one {@code PeriodTotals} per period ({@code period}, {@code firstDay}, {@code lastDay}, {@code counters},
 *       {@code uniques}, {@code amounts});</li>
 *   <li>{@code GET /api/analytics/top-listings?from=&to=&by=views|leads|conversion&limit=10}.</li>
 * </ul>
 * The default range is the 7 days ending today in the business zone. Needs the admin token ({@link AdminAccess})
 * unless the host's Spring Security guards it. Bad parameters are answered 400 with a sentence naming them.
 */
@RestController
public class AnalyticsReadController {
    private final AnalyticsQueries queries;
    private final BusinessCalendar calendar;
    private final AdminAccess access;
    private final Clock clock;

    /** The endpoints over {@code queries}; "today" is {@code calendar}'s day on {@code clock}. */
    public AnalyticsReadController(AnalyticsQueries queries, BusinessCalendar calendar, AdminAccess access,
                                   Clock clock) {
        this.queries = Objects.requireNonNull(queries, "queries");
        this.calendar = Objects.requireNonNull(calendar, "calendar");
        this.access = Objects.requireNonNull(access, "access");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The top listings of a range. */
    @GetMapping(path = "${analytics.web.read-path:/api/analytics}/top-listings",
            produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<String> topListings(HttpServletRequest request,
                                              @RequestParam(name = "from", required = false) String from,
                                              @RequestParam(name = "to", required = false) String to,
                                              @RequestParam(name = "by", defaultValue = "views") String by,
                                              @RequestParam(name = "limit", defaultValue = "10") String limit) {
        access.check(request);
        Range range = range(from, to);
        return json(queries.topListings(range.from, range.to, choice(Ranking.class, by),
                wholeNumber("limit", limit)));
    }

    /** The time series of one listing, lister or development. */
    @GetMapping(path = "${analytics.web.read-path:/api/analytics}/{kind}/{id}",
            produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<String> entity(HttpServletRequest request, @PathVariable("kind") String kind,
                                         @PathVariable("id") String id,
                                         @RequestParam(name = "from", required = false) String from,
                                         @RequestParam(name = "to", required = false) String to,
                                         @RequestParam(name = "grain", defaultValue = "day") String grain) {
        access.check(request);
        Range range = range(from, to);
        Grain period = choice(Grain.class, grain);
        return json(switch (kind) {
            case "listings" -> queries.listing(id, range.from, range.to, period);
            case "listers" -> queries.lister(id, range.from, range.to, period);
            case "developments" -> queries.development(id, range.from, range.to, period);
            default -> throw new AnalyticsHttpException(404, "unknown entity kind " + kind
                    + "; expected listings, listers or developments");
        });
    }

    private Range range(String from, String to) {
        // "Today" is the business zone's, like the days the ingestor files events under, not the JVM's.
        LocalDate last = date("to", to, calendar.dayOf(clock.instant()));
        return new Range(date("from", from, last.minusDays(6)), last);
    }

    private record Range(LocalDate from, LocalDate to) {
    }
}
