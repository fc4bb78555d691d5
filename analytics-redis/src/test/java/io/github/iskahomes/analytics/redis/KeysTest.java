package io.github.iskahomes.analytics.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iskahomes.analytics.core.BusinessCalendar;
import io.github.iskahomes.analytics.core.EntityKind;
import io.github.iskahomes.analytics.core.LeadRef;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The parts of the key schema that need no server: lead index entries, a day's expiry, the retained days. */
class KeysTest {
    static final BusinessCalendar BERLIN = new BusinessCalendar(ZoneId.of("Europe/Berlin"));

    @Test
    void aLeadIndexEntryReadsBackAsItsLead() {
        LeadRef lead = new LeadRef("listing-1", "seeker-1");
        assertThat(Keys.leadMember(lead)).isEqualTo("listing-1 seeker-1");
        assertThat(Keys.leadOfMember(Keys.leadMember(lead))).isEqualTo(lead);
        LeadRef odd = new LeadRef("l:{x", "s:y");
        assertThat(Keys.leadOfMember(Keys.leadMember(odd))).isEqualTo(odd);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"listing-1", " seeker-1", "listing-1 ", ""})
    void textWithoutBothIdsIsNotALeadIndexEntry(String member) {
        assertThatThrownBy(() -> Keys.leadOfMember(member))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("\"" + member + "\" is not a lead index entry");
    }

    @Test
    void aUniqueMemberIsItsMetricsTagAndOneHashOfTheVisitorForEveryMetricAndKind() {
        String view = Keys.uniqueMember(EntityKind.LISTING, "unique_views", "seeker-1");
        String lead = Keys.uniqueMember(EntityKind.LISTING, "unique_leads", "seeker-1");
        assertThat(view).startsWith("a").matches("a-?\\d{1,19}");
        assertThat(lead).startsWith("b").isEqualTo("b" + view.substring(1));
        assertThat(Keys.uniqueMember(EntityKind.USER, "unique_profile_viewers", "seeker-1")).isEqualTo(view);
        assertThat(Keys.uniqueMember(EntityKind.LISTING, "unique_views", "seeker-2")).isNotEqualTo(view);
        // A ziplist keeps the decimal as an integer only in its canonical form, which Long.toString gives.
        assertThat(Long.toString(Long.parseLong(view.substring(1)))).isEqualTo(view.substring(1));
        assertThatThrownBy(() -> Keys.uniqueMember(EntityKind.LISTING, "total_views", "seeker-1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("total_views is not a unique metric of LISTING");
    }

    @Test
    void everyKeyOfADayExpiresAtItsEndPlusTheRetention() {
        LocalDate day = LocalDate.of(2025, 1, 15);
        assertThat(Keys.expiryOf(BusinessCalendar.UTC, day, Duration.ofDays(7)))
                .isEqualTo(Instant.parse("2025-01-23T00:00:00Z"));
        assertThat(Keys.expiryOf(BERLIN, day, Duration.ofDays(7))).isEqualTo(Instant.parse("2025-01-22T23:00:00Z"));
        // 7 × 24 h after a 23-hour day's end
        assertThat(Keys.expiryOf(BERLIN, LocalDate.of(2025, 3, 30), Duration.ofDays(7)))
                .isEqualTo(Instant.parse("2025-04-06T22:00:00Z"));
    }

    @Test
    void retainedDaysAreThoseWhoseKeysAreStillAlive() {
        assertThat(Keys.retainedDays(BusinessCalendar.UTC, Instant.parse("2025-01-15T10:00:00Z"), Duration.ofDays(7)))
                .containsExactly(LocalDate.of(2025, 1, 8), LocalDate.of(2025, 1, 9), LocalDate.of(2025, 1, 10),
                        LocalDate.of(2025, 1, 11), LocalDate.of(2025, 1, 12), LocalDate.of(2025, 1, 13),
                        LocalDate.of(2025, 1, 14), LocalDate.of(2025, 1, 15));
        // at the instant day 8's keys expire, day 8 is gone
        assertThat(Keys.retainedDays(BusinessCalendar.UTC, Instant.parse("2025-01-16T00:00:00Z"), Duration.ofDays(7)))
                .first().isEqualTo(LocalDate.of(2025, 1, 9));
        assertThat(Keys.retainedDays(BusinessCalendar.UTC, Instant.parse("2025-01-15T23:59:59Z"), Duration.ofDays(7)))
                .first().isEqualTo(LocalDate.of(2025, 1, 8));
        assertThat(Keys.retainedDays(BusinessCalendar.UTC, Instant.parse("2025-01-15T10:00:00Z"), Duration.ofHours(1)))
                .containsExactly(LocalDate.of(2025, 1, 15));
        // in Berlin, 2025-01-15T23:30Z is already the 16th
        assertThat(Keys.retainedDays(BERLIN, Instant.parse("2025-01-15T23:30:00Z"), Duration.ofDays(1)))
                .containsExactly(LocalDate.of(2025, 1, 15), LocalDate.of(2025, 1, 16));
    }
}
