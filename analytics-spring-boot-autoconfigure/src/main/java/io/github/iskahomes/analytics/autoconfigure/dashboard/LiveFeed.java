package io.github.iskahomes.analytics.autoconfigure.dashboard;

import io.github.iskahomes.analytics.autoconfigure.web.RequestValues;
import io.github.iskahomes.analytics.core.BusinessCalendar;
import io.github.iskahomes.analytics.core.EntityKind;
import io.github.iskahomes.analytics.core.EventCategory;
import io.github.iskahomes.analytics.core.EventType;
import io.github.iskahomes.analytics.redis.AnalyticsReader;
import io.github.iskahomes.analytics.redis.EntityDay;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The live "today so far" panel: for each open page, reads today's numbers of its scope from Redis every
 * {@code period} (the ingestor's counters, before any aggregation) and sends them as a Server-Sent Event named
 * {@code today} whenever they changed, with a comment line every 15 s so proxies keep the stream open. One daemon
 * thread serves every stream; {@link #close()} ends them all. Thread-safe.
 */
public final class LiveFeed implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LiveFeed.class);
    private static final long HEARTBEAT_NANOS = TimeUnit.SECONDS.toNanos(15);

    /** What a page watches: everything (an admin's overview) or one entity. */
    public record Scope(EntityKind kind, String id) {
        /** Every event of today (an admin's overview). */
        public static Scope everything() {
            return new Scope(null, null);
        }

        /** One entity's today. */
        public static Scope of(EntityKind kind, String id) {
            return new Scope(Objects.requireNonNull(kind, "kind"), Objects.requireNonNull(id, "id"));
        }
    }

    private final AnalyticsReader reader;
    private final BusinessCalendar calendar;
    private final Clock clock;
    private final Duration period;
    private final Duration timeout;
    private final ScheduledExecutorService timer;
    private final Set<SseEmitter> open = ConcurrentHashMap.newKeySet();

    /** A feed reading {@code reader} every {@code period}; each stream ends after {@code timeout} (pages reconnect). */
    public LiveFeed(AnalyticsReader reader, BusinessCalendar calendar, Clock clock, Duration period, Duration timeout) {
        this.reader = Objects.requireNonNull(reader, "reader");
        this.calendar = Objects.requireNonNull(calendar, "calendar");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.period = Objects.requireNonNull(period, "period");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "analytics-dashboard-live");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Opens a stream of {@code scope}'s numbers; the first event goes out at once. */
    public SseEmitter subscribe(Scope scope) {
        SseEmitter emitter = new SseEmitter(timeout.toMillis());
        Stream stream = new Stream(scope, emitter);
        ScheduledFuture<?> task;
        try {
            task = timer.scheduleWithFixedDelay(stream, 0, period.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // The application is shutting down: end the stream at once; the page reconnects to another instance.
            emitter.complete();
            return emitter;
        }
        open.add(emitter);
        Runnable end = () -> {
            task.cancel(false);
            open.remove(emitter);
        };
        emitter.onCompletion(end);
        emitter.onTimeout(end);
        emitter.onError(error -> end.run());
        return emitter;
    }

    /** Today's numbers of a scope, by the names the page shows. */
    Map<String, Long> numbers(Scope scope) {
        LocalDate today = calendar.dayOf(clock.instant());
        Map<String, Long> numbers = new LinkedHashMap<>();
        if (scope.kind() == null) {
            long views = 0;
            long leads = 0;
            long events = 0;
            for (Map.Entry<EventType, Long> count : reader.eventCounts(today).entrySet()) {
                events += count.getValue();
                if (count.getKey() == EventType.PROPERTY_VIEW) {
                    views += count.getValue();
                } else if (count.getKey().category() == EventCategory.LEAD) {
                    leads += count.getValue();
                }
            }
            numbers.put("views", views);
            numbers.put("leads", leads);
            numbers.put("events", events);
            return numbers;
        }
        EntityDay day = reader.entities(scope.kind(), today, List.of(scope.id())).get(0);
        Map<String, Long> c = day.counters();
        switch (scope.kind()) {
            case LISTING -> {
                numbers.put("views", c.getOrDefault("total_views", 0L));
                numbers.put("unique_views", day.uniques().getOrDefault("unique_views", 0L));
                numbers.put("leads", c.getOrDefault("total_leads", 0L));
            }
            case USER -> {
                numbers.put("views", c.getOrDefault("total_listing_views", 0L));
                numbers.put("leads", c.getOrDefault("total_listing_leads", 0L));
                numbers.put("profile_views", c.getOrDefault("profile_views", 0L));
            }
            case DEVELOPMENT -> {
                numbers.put("views", c.getOrDefault("total_views", 0L));
                numbers.put("leads", c.getOrDefault("total_leads", 0L));
                numbers.put("interactions", c.getOrDefault("total_interactions", 0L));
            }
        }
        return numbers;
    }

    /** Ends every open stream and stops the thread. Idempotent. */
    @Override
    public void close() {
        timer.shutdownNow();
        for (SseEmitter emitter : open) {
            emitter.complete();
        }
        open.clear();
    }

    /** One page's stream: sends when the numbers changed, or a heartbeat comment when they have not for 15 s. */
    private final class Stream implements Runnable {
        private final Scope scope;
        private final SseEmitter emitter;
        private Map<String, Long> last;
        private long lastSent = System.nanoTime();

        Stream(Scope scope, SseEmitter emitter) {
            this.scope = scope;
            this.emitter = emitter;
        }

        @Override
        public void run() {
            try {
                Map<String, Long> now = numbers(scope);
                if (!now.equals(last)) {
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("day", calendar.dayOf(clock.instant()).toString());
                    data.put("numbers", now);
                    emitter.send(SseEmitter.event().name("today").data(RequestValues.write(data)));
                    last = now;
                    lastSent = System.nanoTime();
                } else if (System.nanoTime() - lastSent > HEARTBEAT_NANOS) {
                    emitter.send(SseEmitter.event().comment("still here"));
                    lastSent = System.nanoTime();
                }
            } catch (IOException | IllegalStateException gone) {
                // The page went away (or the stream ended): stop this stream quietly.
                emitter.completeWithError(gone);
            } catch (RuntimeException e) {
                // Redis unavailable: keep the stream, the page shows the last numbers; the next tick tries again.
                log.debug("Live numbers unavailable: {}", e.getMessage());
            }
        }
    }
}
