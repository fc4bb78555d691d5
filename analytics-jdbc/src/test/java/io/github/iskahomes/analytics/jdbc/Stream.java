package io.github.iskahomes.analytics.jdbc;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.github.iskahomes.analytics.core.Event;

/** A scripted event stream for the aggregator tests: events at fixed times on chosen days. */
final class Stream {
    final List<Event> events = new ArrayList<>();
    private int second;

    Stream() {
        this(0);
    }

    /** A stream whose events start {@code firstSecond} seconds after 10:00. */
    Stream(int firstSecond) {
        this.second = firstSecond;
    }

    /** An event on {@code day} at 10:00 UTC plus a second per event, so actions have a stable order. */
    Stream add(String name, String seeker, LocalDate day, Object... properties) {
        Map<String, Object> props = new LinkedHashMap<>();
        for (int i = 0; i < properties.length; i += 2) {
            props.put((String) properties[i], properties[i + 1]);
        }
        Instant at = day.atTime(10, 0).toInstant(ZoneOffset.UTC).plusSeconds(second++);
        events.add(new Event(name, seeker, at, UUID.randomUUID().toString(), props));
        return this;
    }

    List<Event> drain() {
        List<Event> out = List.copyOf(events);
        events.clear();
        return out;
    }
}
