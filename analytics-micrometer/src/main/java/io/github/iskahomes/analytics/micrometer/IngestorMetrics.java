package io.github.iskahomes.analytics.micrometer;

import io.github.iskahomes.analytics.core.RejectionCategory;
import io.github.iskahomes.analytics.core.StoreUnavailableException;
import io.github.iskahomes.analytics.redis.IngestBatch;
import io.github.iskahomes.analytics.redis.IngestResult;
import io.github.iskahomes.analytics.redis.IngestorListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link io.github.iskahomes.analytics.redis.Ingestor}'s meters, and the listener that records them:
 * <pre>{@code
 * IngestorMetrics metrics = new IngestorMetrics();
 * metrics.bindTo(registry);
 * Ingestor ingestor = Ingestor.connect(url, IngestorConfig.builder().listener(metrics).build());
 * }</pre>
 *
 * <ul>
 *   <li>{@value #EVENTS} (counter, events): every event of every ingest call, by {@code outcome}
 *       ({@code ingested}, {@code duplicate}, {@code rejected}) and {@code reason} (the
 *       {@link RejectionCategory#tagValue() category} of a rejection, {@code none} otherwise);</li>
 *   <li>{@value #BATCH} (timer): each ingest call, by {@code outcome}: {@code ok}, or {@code unavailable} when Redis
 *       was down or too slow and the call threw.</li>
 * </ul>
 * Meters are registered with zero counts when bound, so dashboards show every series from the start. Only calls
 * made while bound are recorded: bind before the ingestor takes traffic (Spring Boot binds {@code MeterBinder} beans
 * when the registry is created, before the web server starts). Thread-safe; may be bound to several registries.
 */
public final class IngestorMetrics implements IngestorListener, MeterBinder {
    /** Events by outcome and reason category. */
    public static final String EVENTS = "analytics.ingest.events";
    /** Ingest calls, timed, by outcome. */
    public static final String BATCH = "analytics.ingest.batch";

    private static final String EVENTS_HELP = "Events of ingest calls, by what became of them";
    private static final String BATCH_HELP = "Ingest calls, from entry to result";
    private static final String NONE = "none";

    private final Registries registries;

    /** Meters without tags of their own. */
    public IngestorMetrics() {
        this(Tags.empty());
    }

    /** Meters that also carry {@code tags} (say, {@code app=shop1} when several ingestors share a registry). */
    public IngestorMetrics(Iterable<Tag> tags) {
        this.registries = new Registries(tags);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        if (!registries.add(registry)) {
            return;
        }
        registries.counter(registry, EVENTS, EVENTS_HELP, "events", events("ingested", NONE));
        registries.counter(registry, EVENTS, EVENTS_HELP, "events", events("duplicate", NONE));
        for (RejectionCategory category : RejectionCategory.values()) {
            registries.counter(registry, EVENTS, EVENTS_HELP, "events", events("rejected", category.tagValue()));
        }
        registries.timer(registry, BATCH, BATCH_HELP, registries.tags("outcome", "ok"));
        registries.timer(registry, BATCH, BATCH_HELP, registries.tags("outcome", "unavailable"));
    }

    private Tags events(String outcome, String reason) {
        return registries.tags("outcome", outcome, "reason", reason);
    }

    @Override
    public void onBatch(IngestBatch batch) {
        registries.count(EVENTS, EVENTS_HELP, "events", events("ingested", NONE), batch.ingested());
        registries.count(EVENTS, EVENTS_HELP, "events", events("duplicate", NONE), batch.duplicates());
        Map<RejectionCategory, Integer> rejected = byCategory(batch.rejected());
        rejected.forEach((category, count) ->
                registries.count(EVENTS, EVENTS_HELP, "events", events("rejected", category.tagValue()), count));
        registries.time(BATCH, BATCH_HELP, registries.tags("outcome", "ok"), batch.elapsed());
    }

    private static Map<RejectionCategory, Integer> byCategory(List<IngestResult.Rejection> rejections) {
        Map<RejectionCategory, Integer> counts = new EnumMap<>(RejectionCategory.class);
        for (IngestResult.Rejection rejection : rejections) {
            counts.merge(rejection.category(), 1, Integer::sum);
        }
        return counts;
    }

    @Override
    public void onUnavailable(StoreUnavailableException e, int events, Duration elapsed) {
        registries.time(BATCH, BATCH_HELP, registries.tags("outcome", "unavailable"), elapsed);
    }

    @Override
    public String toString() {
        return "IngestorMetrics";
    }
}
