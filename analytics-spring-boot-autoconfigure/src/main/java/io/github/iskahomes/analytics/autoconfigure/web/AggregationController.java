package io.github.iskahomes.analytics.autoconfigure.web;

import io.github.iskahomes.analytics.autoconfigure.AnalyticsAggregation;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Objects;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/cron/analytics} ({@code analytics.web.cron-path}): runs the aggregator now and answers its summary,
 * {@code {"success":true,"processed":{"listings":{"inserted":234,"errors":[]},…},"finalisedDays":[…],…}}. Needs the
 * admin token ({@link AdminAccess}) unless the host's Spring Security guards it.
 */
@RestController
public class AggregationController {
    private final AnalyticsAggregation aggregation;
    private final AdminAccess access;

    /** The endpoint over {@code aggregation}, guarded by {@code access}. */
    public AggregationController(AnalyticsAggregation aggregation, AdminAccess access) {
        this.aggregation = Objects.requireNonNull(aggregation, "aggregation");
        this.access = Objects.requireNonNull(access, "access");
    }

    /** Runs the aggregator; a store failure is answered 503 with {@code Retry-After}. */
    @PostMapping(path = "${analytics.web.cron-path:/api/cron/analytics}", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<String> run(HttpServletRequest request) {
        access.check(request);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(aggregation.run().toJson());
    }
}
