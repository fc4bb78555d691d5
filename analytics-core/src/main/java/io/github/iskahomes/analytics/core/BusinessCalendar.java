package io.github.iskahomes.analytics.core;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneRules;
import java.util.Objects;

/**
 * Days in the marketplace's business zone. An event belongs to the day its timestamp falls on in this zone; a day
 * may have 23 or 25 hours. Immutable and thread-safe.
 */
public record BusinessCalendar(ZoneId zone) {

    /** The default calendar: days in UTC. */
    public static final BusinessCalendar UTC = new BusinessCalendar(ZoneId.of("UTC"));

    /** @throws NullPointerException if {@code zone} is null */
    public BusinessCalendar {
        Objects.requireNonNull(zone, "zone");
    }

    /** The day an instant falls on in this zone. */
    public LocalDate dayOf(Instant instant) {
        ZoneOffset fixed = fixedOffset(zone);
        if (fixed != null) {
            // UTC and other fixed offsets (the default calendar): the day is plain arithmetic, without the
            // ZonedDateTime that atZone builds for every event.
            return LocalDate.ofEpochDay(Math.floorDiv(instant.getEpochSecond() + fixed.getTotalSeconds(), 86_400L));
        }
        return instant.atZone(zone).toLocalDate();
    }

    /** The zone's one offset when it never changes (UTC, {@code +03:00}), else {@code null}. */
    private static ZoneOffset fixedOffset(ZoneId zone) {
        if (zone instanceof ZoneOffset offset) {
            return offset;
        }
        ZoneRules rules = zone.getRules();
        return rules.isFixedOffset() ? rules.getOffset(Instant.EPOCH) : null;
    }

    /** The first instant of a day in this zone (DST-aware: a day may have 23 or 25 hours). */
    public Instant startOf(LocalDate day) {
        return day.atStartOfDay(zone).toInstant();
    }

    /** The first instant after a day in this zone: the start of the next day. */
    public Instant endOf(LocalDate day) {
        return startOf(day.plusDays(1));
    }
}
