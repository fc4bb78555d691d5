package io.github.iskahomes.analytics.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iskahomes.analytics.core.BusinessCalendar;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Calendar columns, day keys and business-zone days, across year boundaries, zones and DST. */
class CalendarTest {
    static final BusinessCalendar BERLIN = new BusinessCalendar(ZoneId.of("Europe/Berlin"));

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "2024-12-30, 2025-W01, 2024-12, 2024-Q4, 2024, 20241230",
            "2024-12-29, 2024-W52, 2024-12, 2024-Q4, 2024, 20241229",
            "2021-01-03, 2020-W53, 2021-01, 2021-Q1, 2021, 20210103",
            "2021-01-04, 2021-W01, 2021-01, 2021-Q1, 2021, 20210104",
            "2025-01-15, 2025-W03, 2025-01, 2025-Q1, 2025, 20250115",
            "2025-03-31, 2025-W14, 2025-03, 2025-Q1, 2025, 20250331",
            "2025-04-01, 2025-W14, 2025-04, 2025-Q2, 2025, 20250401",
            "2025-07-01, 2025-W27, 2025-07, 2025-Q3, 2025, 20250701",
            "2025-10-01, 2025-W40, 2025-10, 2025-Q4, 2025, 20251001",
            "2025-12-31, 2026-W01, 2025-12, 2025-Q4, 2025, 20251231",
            "2027-01-03, 2026-W53, 2027-01, 2027-Q1, 2027, 20270103",
            "0999-06-01, 0999-W22, 0999-06, 0999-Q2, 999, 09990601"})
    void calendarPartsOfADay(LocalDate date, String week, String month, String quarter, int year, String dayKey) {
        assertThat(CalendarParts.of(date)).isEqualTo(new CalendarParts(date, week, month, quarter, year, dayKey));
        assertThat(CalendarParts.dayKey(date)).isEqualTo(dayKey);
        assertThat(CalendarParts.parseDayKey(dayKey)).isEqualTo(date);
    }

    @Test
    void calendarPartsUseAsciiDigitsWhateverTheDefaultLocale() {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("th-TH-u-nu-thai"));
            assertThat(CalendarParts.of(LocalDate.of(2025, 1, 15)))
                    .isEqualTo(new CalendarParts(LocalDate.of(2025, 1, 15), "2025-W03", "2025-01", "2025-Q1", 2025, "20250115"));
        } finally {
            Locale.setDefault(saved);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2025-01-15", "20250230", "20251301", "2025011", "202501150", "20250115+0100", "", "abcdefgh"})
    void badDayKeysAreRefused(String text) {
        assertThatThrownBy(() -> CalendarParts.parseDayKey(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("\"" + text + "\" is not a YYYYMMDD day key");
    }

    @Test
    void dayOfUsesTheBusinessZoneAroundMidnight() {
        // 23:59:59 and 00:00:00 in Berlin (UTC+1 in January)
        assertThat(BERLIN.dayOf(Instant.parse("2025-01-14T22:59:59Z"))).isEqualTo(LocalDate.of(2025, 1, 14));
        assertThat(BERLIN.dayOf(Instant.parse("2025-01-14T23:00:00Z"))).isEqualTo(LocalDate.of(2025, 1, 15));
        assertThat(BusinessCalendar.UTC.dayOf(Instant.parse("2025-01-14T23:00:00Z"))).isEqualTo(LocalDate.of(2025, 1, 14));
        BusinessCalendar la = new BusinessCalendar(ZoneId.of("America/Los_Angeles"));
        assertThat(la.dayOf(Instant.parse("2025-01-01T07:59:59Z"))).isEqualTo(LocalDate.of(2024, 12, 31));
        assertThat(la.dayOf(Instant.parse("2025-01-01T08:00:00Z"))).isEqualTo(LocalDate.of(2025, 1, 1));
    }

    @Test
    void daysAcrossDaylightSavingChangesHave23Or25Hours() {
        LocalDate spring = LocalDate.of(2025, 3, 30);
        assertThat(BERLIN.startOf(spring)).isEqualTo(Instant.parse("2025-03-29T23:00:00Z"));
        assertThat(BERLIN.endOf(spring)).isEqualTo(Instant.parse("2025-03-30T22:00:00Z"));
        assertThat(Duration.between(BERLIN.startOf(spring), BERLIN.endOf(spring))).isEqualTo(Duration.ofHours(23));

        LocalDate autumn = LocalDate.of(2025, 10, 26);
        assertThat(BERLIN.startOf(autumn)).isEqualTo(Instant.parse("2025-10-25T22:00:00Z"));
        assertThat(BERLIN.endOf(autumn)).isEqualTo(Instant.parse("2025-10-26T23:00:00Z"));
        assertThat(Duration.between(BERLIN.startOf(autumn), BERLIN.endOf(autumn))).isEqualTo(Duration.ofHours(25));

        assertThat(BusinessCalendar.UTC.endOf(spring)).isEqualTo(Instant.parse("2025-03-31T00:00:00Z"));
    }
}
