package io.github.iskahomes.analytics.autoconfigure.dashboard;

import static io.github.iskahomes.analytics.autoconfigure.web.RequestValues.choice;
import static io.github.iskahomes.analytics.autoconfigure.web.RequestValues.date;
import static io.github.iskahomes.analytics.autoconfigure.web.RequestValues.json;
import static io.github.iskahomes.analytics.autoconfigure.web.RequestValues.wholeNumber;
import static io.github.iskahomes.analytics.autoconfigure.web.RequestValues.write;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.iskahomes.analytics.autoconfigure.web.AnalyticsHttpException;
import io.github.iskahomes.analytics.core.BusinessCalendar;
import io.github.iskahomes.analytics.core.EntityKind;
import io.github.iskahomes.analytics.core.LeadRef;
import io.github.iskahomes.analytics.core.StoreUnavailableException;
import io.github.iskahomes.analytics.jdbc.AnalyticsQueries;
import io.github.iskahomes.analytics.jdbc.Grain;
import io.github.iskahomes.analytics.jdbc.Lead;
import io.github.iskahomes.analytics.jdbc.LeadUpdate;
import io.github.iskahomes.analytics.jdbc.Leads;
import io.github.iskahomes.analytics.jdbc.Ranking;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * What the dashboard's pages read and change, under {@code analytics.dashboard.api-path} ({@code /api/dashboard}),
 * for the caller the {@link CallerResolver} names (401 without one): a lister sees only their own listings,
 * developments and leads (403 on anyone else's), an admin sees all.
 * <ul>
 *   <li>{@code GET /me}: who the caller is ({@code signedIn} false without a credential);</li>
 *   <li>{@code GET /top-listings?from=&to=&by=views|leads|conversion&limit=10}: a lister's own, or all;</li>
 *   <li>{@code GET /{listings|listers|developments}/{id}?from=&to=&grain=day|week|month|quarter|year}: the periods
 *       and the totals of the range (uniques a union over the whole range);</li>
 *   <li>{@code GET /leads?limit=100} (an admin adds {@code &lister=}): the leads with their actions;</li>
 *   <li>{@code POST /leads/status} and {@code POST /leads/notes} with a JSON body naming {@code listingId} and
 *       {@code seekerId}: seeker ids and notes are personal data and never travel in a URL;</li>
 *   <li>{@code GET /live?scope=overview|listings:<id>|listers:<id>|developments:<id>}: today's numbers from Redis as
 *       Server-Sent Events ({@link LiveFeed}).</li>
 * </ul>
 * Nothing here logs a seeker id or a note above debug.
 */
@RestController
public class DashboardController {
    private static final Logger log = LoggerFactory.getLogger(DashboardController.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_LEADS = 500;

    private final AnalyticsQueries queries;
    private final Leads leads;
    private final CallerResolver callers;
    private final LiveFeed live;
    private final BusinessCalendar calendar;
    private final Clock clock;

    /** The endpoints; "today" is {@code calendar}'s day on {@code clock}. */
    public DashboardController(AnalyticsQueries queries, Leads leads, CallerResolver callers, LiveFeed live,
                               BusinessCalendar calendar, Clock clock) {
        this.queries = Objects.requireNonNull(queries, "queries");
        this.leads = Objects.requireNonNull(leads, "leads");
        this.callers = Objects.requireNonNull(callers, "callers");
        this.live = Objects.requireNonNull(live, "live");
        this.calendar = Objects.requireNonNull(calendar, "calendar");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Who the caller is, or {@code {"signedIn":false}} (still 200: the page asks before it has a token, and a 401
     * would be an error in the browser's console on every first visit).
     */
    @GetMapping(path = "${analytics.dashboard.api-path:/api/dashboard}/me", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<String> me(HttpServletRequest request) {
        DashboardCaller caller = callers.resolve(request).orElse(null);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("signedIn", caller != null);
        if (caller == null) {
            return json(body);
        }
        body.put("name", caller.name());
        body.put("admin", caller.admin());
        body.put("listerId", caller.listerId());
        body.put("today", today().toString());
        return json(body);
    }

    /** The top listings of a range: the caller's own, or all for an admin. */
    @GetMapping(path = "${analytics.dashboard.api-path:/api/dashboard}/top-listings",
            produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<String> topListings(HttpServletRequest request,
                                              @RequestParam(name = "from", required = false) String from,
                                              @RequestParam(name = "to", required = false) String to,
                                              @RequestParam(name = "by", defaultValue = "views") String by,
                                              @RequestParam(name = "limit", defaultValue = "10") String limit) {
        DashboardCaller caller = caller(request);
        LocalDate last = date("to", to, today());
        LocalDate first = date("from", from, last.minusDays(6));
        return json(queries.topListings(first, last, choice(Ranking.class, by), count("limit", limit, 100),
                caller.listerId()));
    }

    /** A listing's, lister's or development's periods and the totals of the range. */
    @GetMapping(path = "${analytics.dashboard.api-path:/api/dashboard}/{kind:listings|listers|developments}/{id}",
            produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<String> entity(HttpServletRequest request, @PathVariable("kind") String kind,
                                         @PathVariable("id") String id,
                                         @RequestParam(name = "from", required = false) String from,
                                         @RequestParam(name = "to", required = false) String to,
                                         @RequestParam(name = "grain", defaultValue = "day") String grain) {
        DashboardCaller caller = caller(request);
        EntityKind entityKind = kind(kind);
        String owner = checkOwner(caller, entityKind, id);
        LocalDate last = date("to", to, today());
        LocalDate first = date("from", from, last.minusDays(29));
        Grain period = choice(Grain.class, grain);
        BiFunction<LocalDate, LocalDate, List<?>> series = switch (entityKind) {
            case LISTING -> (a, b) -> queries.listing(id, a, b, period);
            case USER -> (a, b) -> queries.lister(id, a, b, period);
            case DEVELOPMENT -> (a, b) -> queries.development(id, a, b, period);
        };
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("kind", kind);
        body.put("id", id);
        body.put("lister", owner);
        body.put("from", first.toString());
        body.put("to", last.toString());
        body.put("grain", period.name().toLowerCase(Locale.ROOT));
        body.put("periods", series.apply(first, last));
        body.put("totals", queries.totals(entityKind, id, first, last).orElse(null));
        return json(body);
    }

    /** The caller's leads (an admin names the lister), most recently active first, each with its actions. */
    @GetMapping(path = "${analytics.dashboard.api-path:/api/dashboard}/leads", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<String> leads(HttpServletRequest request,
                                        @RequestParam(name = "lister", required = false) String lister,
                                        @RequestParam(name = "limit", defaultValue = "100") String limit) {
        DashboardCaller caller = caller(request);
        String listerId = caller.admin() ? lister : caller.listerId();
        if (listerId == null || listerId.isBlank()) {
            throw new AnalyticsHttpException(400, "name the lister whose leads to list: ?lister=<lister id>");
        }
        if (!caller.owns(listerId)) {
            throw forbidden("the leads of lister " + listerId);
        }
        List<Map<String, Object>> body = new ArrayList<>();
        for (Lead lead : leads.forLister(listerId, count("limit", limit, MAX_LEADS))) {
            body.add(lead(lead));
        }
        return json(body);
    }

    /** Sets a lead's status; the body is {@code {"listingId":…,"seekerId":…,"status":…}}. */
    @PostMapping(path = "${analytics.dashboard.api-path:/api/dashboard}/leads/status",
            produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<String> status(HttpServletRequest request, @RequestBody(required = false) String body) {
        DashboardCaller caller = caller(request);
        JsonNode json = body(body);
        LeadRef ref = ownLead(caller, json);
        return changed(ref, leads.setStatus(ref, text(json, "status")));
    }

    /** Adds a note to a lead; the body is {@code {"listingId":…,"seekerId":…,"note":…}}. */
    @PostMapping(path = "${analytics.dashboard.api-path:/api/dashboard}/leads/notes",
            produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<String> note(HttpServletRequest request, @RequestBody(required = false) String body) {
        DashboardCaller caller = caller(request);
        JsonNode json = body(body);
        LeadRef ref = ownLead(caller, json);
        return changed(ref, leads.addNote(ref, text(json, "note")));
    }

    /** Today's numbers of a scope, pushed as Server-Sent Events named {@code today} while they change. */
    @GetMapping(path = "${analytics.dashboard.api-path:/api/dashboard}/live", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter live(HttpServletRequest request, @RequestParam(name = "scope", defaultValue = "overview")
                           String scope) {
        DashboardCaller caller = caller(request);
        LiveFeed.Scope target;
        if (scope.equals("overview")) {
            target = caller.admin() ? LiveFeed.Scope.everything() : LiveFeed.Scope.of(EntityKind.USER, caller.listerId());
        } else {
            int colon = scope.indexOf(':');
            if (colon < 0) {
                throw new AnalyticsHttpException(400, "scope \"" + scope + "\" is not overview or <kind>:<id>, such"
                        + " as listings:listing-1");
            }
            EntityKind kind = kind(scope.substring(0, colon));
            String id = scope.substring(colon + 1);
            checkOwner(caller, kind, id);
            target = LiveFeed.Scope.of(kind, id);
        }
        return live.subscribe(target);
    }

    @ExceptionHandler(AnalyticsHttpException.class)
    ResponseEntity<String> refused(AnalyticsHttpException e) {
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(e.status()).contentType(MediaType.APPLICATION_JSON);
        e.headers().forEach(answer::header);
        return answer.body(error(e.getMessage()));
    }

    @ExceptionHandler(StoreUnavailableException.class)
    ResponseEntity<String> unavailable(StoreUnavailableException e) {
        log.warn("Dashboard request failed: {}", e.getMessage());
        return ResponseEntity.status(503).header("Retry-After", "5").contentType(MediaType.APPLICATION_JSON)
                .body(error(e.getMessage()));
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<String> badInput(IllegalArgumentException e) {
        return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_JSON).body(error(e.getMessage()));
    }

    private DashboardCaller caller(HttpServletRequest request) {
        return callers.resolve(request).orElseThrow(() -> new AnalyticsHttpException(401, "the dashboard needs a"
                + " lister's or the admin's token: send \"Authorization: Bearer <token>\"",
                Map.of("WWW-Authenticate", "Bearer realm=\"analytics-dashboard\"")));
    }

    /** The entity's lister, after checking the caller may see it. */
    private String checkOwner(DashboardCaller caller, EntityKind kind, String id) {
        String owner = queries.listerOf(kind, id).orElse(null);
        if (caller.admin()) {
            return owner;
        }
        if (owner == null) {
            throw new AnalyticsHttpException(404, "there is no aggregated data for " + noun(kind) + " " + id);
        }
        if (!caller.owns(owner)) {
            throw forbidden(noun(kind) + " " + id);
        }
        return owner;
    }

    private LeadRef ownLead(DashboardCaller caller, JsonNode json) {
        LeadRef ref = new LeadRef(text(json, "listingId"), text(json, "seekerId"));
        Lead lead = leads.find(ref).orElseThrow(() -> new AnalyticsHttpException(404,
                "there is no such lead of listing " + ref.listingId()));
        if (!caller.owns(lead.listerId())) {
            throw forbidden("the leads of listing " + ref.listingId());
        }
        return ref;
    }

    private ResponseEntity<String> changed(LeadRef ref, LeadUpdate update) {
        if (!update.applied()) {
            throw new AnalyticsHttpException(400, update.reason());
        }
        log.debug("Lead of listing {} and seeker {} changed", ref.listingId(), ref.seekerId());
        return json(lead(leads.find(ref).orElseThrow()));
    }

    private Map<String, Object> lead(Lead lead) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("listingId", lead.lead().listingId());
        body.put("seekerId", lead.lead().seekerId());
        body.put("listerId", lead.listerId());
        body.put("developmentId", lead.developmentId());
        body.put("totalActions", lead.totalActions());
        body.put("firstActionAt", lead.firstActionAt());
        body.put("lastActionAt", lead.lastActionAt());
        body.put("lastActionType", lead.lastActionType());
        body.put("status", lead.status().wireName());
        body.put("notes", lead.notes());
        body.put("actions", leads.actions(lead.lead()));
        return body;
    }

    private static AnalyticsHttpException forbidden(String what) {
        return new AnalyticsHttpException(403, "you may not see " + what + ": it belongs to another lister");
    }

    private static String noun(EntityKind kind) {
        return switch (kind) {
            case LISTING -> "listing";
            case USER -> "lister";
            case DEVELOPMENT -> "development";
        };
    }

    private static EntityKind kind(String kind) {
        return switch (kind) {
            case "listings" -> EntityKind.LISTING;
            case "listers" -> EntityKind.USER;
            case "developments" -> EntityKind.DEVELOPMENT;
            default -> throw new AnalyticsHttpException(404, "unknown entity kind " + kind
                    + "; expected listings, listers or developments");
        };
    }

    private LocalDate today() {
        return calendar.dayOf(clock.instant());
    }

    private static JsonNode body(String body) {
        if (body == null || body.isBlank()) {
            throw new AnalyticsHttpException(400, "the request needs a JSON body");
        }
        try {
            JsonNode json = JSON.readTree(body);
            if (!json.isObject()) {
                throw new AnalyticsHttpException(400, "the body must be a JSON object");
            }
            return json;
        } catch (JsonProcessingException e) {
            throw new AnalyticsHttpException(400, "the body is not JSON: " + e.getOriginalMessage());
        }
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new AnalyticsHttpException(400, field + " is missing");
        }
        return value.asText();
    }


    private static int count(String name, String value, int max) {
        int parsed = wholeNumber(name, value);
        if (parsed < 1 || parsed > max) {
            throw new AnalyticsHttpException(400, name + " must be 1 to " + max + ", was " + parsed);
        }
        return parsed;
    }

    static String error(String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", false);
        body.put("error", message);
        return write(body);
    }

}
