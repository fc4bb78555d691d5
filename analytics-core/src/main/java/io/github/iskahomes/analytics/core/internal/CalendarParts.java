package io.github.iskahomes.analytics.core.internal;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.time.temporal.IsoFields;
import java.util.Locale;
import java.util.Objects;

/**
 * The calendar columns every analytics table carries for a day: {@code date}, ISO {@code week} ({@code 2025-W03}),
 * {@code month} ({@code 2025-01}), {@code quarter} ({@code 2025-Q1}), {@code year}, and the {@code YYYYMMDD}
 * day key used in Redis keys.
 *
 * <p>The week is the ISO-8601 week of its week-based year, so 2024-12-30 is {@code 2025-W01} and 2021-01-03 is
 * {@code 2020-W53}.
 */
public record CalendarParts(LocalDate date, String week, String month, String quarter, int year, String dayKey) {

    // Not BASIC_ISO_DATE: that one also accepts an offset ("20250115+0100"), which no day key has.
    private static final DateTimeFormatter DAY_KEY =
            DateTimeFormatter.ofPattern("uuuuMMdd", Locale.ROOT).withResolverStyle(ResolverStyle.STRICT);

    public CalendarParts {
        Objects.requireNonNull(date, "date");
    }

    /** The calendar parts of a date. */
    public static CalendarParts of(LocalDate date) {
        int weekYear = date.get(IsoFields.WEEK_BASED_YEAR);
        int week = date.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
        return new CalendarParts(date,
                String.format(Locale.ROOT, "%04d-W%02d", weekYear, week),
                String.format(Locale.ROOT, "%04d-%02d", date.getYear(), date.getMonthValue()),
                String.format(Locale.ROOT, "%04d-Q%d", date.getYear(), date.get(IsoFields.QUARTER_OF_YEAR)),
                date.getYear(),
                dayKey(date));
    }

    /** The {@code YYYYMMDD} key of a date, for example {@code 20250115}. */
    public static String dayKey(LocalDate date) {
        int year = date.getYear();
        if (year < 0 || year > 9999) {
            return date.format(DAY_KEY);
        }
        // The formatter's output for four-digit years without its general-purpose printer: ingestion builds a day
        // key for nearly every Redis key it writes.
        int v = year * 10000 + date.getMonthValue() * 100 + date.getDayOfMonth();
        char[] digits = new char[8];
        for (int i = 7; i >= 0; i--) {
            digits[i] = (char) ('0' + v % 10);
            v /= 10;
        }
        return new String(digits);
    }

    /**
     * The date of a {@code YYYYMMDD} key.
     *
     * @throws IllegalArgumentException if the text is not a valid {@code YYYYMMDD} date
     */
    static LocalDate parseDayKey(String dayKey) {
        try {
            return LocalDate.parse(dayKey, DAY_KEY);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("\"" + dayKey + "\" is not a YYYYMMDD day key", e);
        }
    }
}
