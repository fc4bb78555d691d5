package io.github.iskahomes.analytics.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.iskahomes.analytics.core.LeadRef;
import io.github.iskahomes.analytics.testing.PostgresExtension;
import io.github.iskahomes.analytics.testing.TestPostgres;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class LeadsTest {
    private static final LeadRef LEAD = new LeadRef("L1", "seeker-1");
    private Leads leads;

    @BeforeEach
    void setUp(TestPostgres pg) {
        Jdbi jdbi = Jdbi.create(pg.dataSource());
        Schema.migrate(jdbi);
        jdbi.useHandle(h -> h.execute("""
                INSERT INTO leads (listing_id, seeker_id, lister_id, lister_type, total_actions, last_action_date)
                VALUES ('L1', 'seeker-1', 'agent-1', 'agent', 3, TIMESTAMPTZ '2025-01-15 10:00:00Z'),
                       ('L2', 'seeker-1', 'agent-1', 'agent', 1, TIMESTAMPTZ '2025-01-16 10:00:00Z'),
                       ('L3', 'seeker-2', 'agent-2', 'agent', 1, TIMESTAMPTZ '2025-01-17 10:00:00Z')"""));
        leads = Leads.create(pg.dataSource());
    }

    @Test
    void statusIsSetAndAnythingElseIsRefused() {
        assertThat(leads.find(LEAD).orElseThrow().status()).isEqualTo(LeadStatus.NEW);
        assertThat(leads.setStatus(LEAD, "Contacted")).isEqualTo(new LeadUpdate(true, null));
        assertThat(leads.find(LEAD).orElseThrow().status()).isEqualTo(LeadStatus.CONTACTED);
        assertThat(leads.setStatus(LEAD, "won")).isEqualTo(new LeadUpdate(false,
                "status \"won\" is not one of new, contacted, qualified, converted, lost"));
        assertThat(leads.setStatus(new LeadRef("L9", "seeker-1"), LeadStatus.LOST)).isEqualTo(new LeadUpdate(false,
                "there is no lead for listing L9 and seeker seeker-1"));
        assertThat(leads.find(LEAD).orElseThrow().status()).isEqualTo(LeadStatus.CONTACTED);
    }

    @Test
    void notesAppendInOrder() {
        assertThat(leads.addNote(LEAD, "called, no answer").applied()).isTrue();
        assertThat(leads.addNote(LEAD, "viewing booked").applied()).isTrue();
        assertThat(leads.addNote(LEAD, "  ")).isEqualTo(new LeadUpdate(false, "note is empty"));
        assertThat(leads.find(LEAD).orElseThrow().notes()).containsExactly("called, no answer", "viewing booked");
    }

    @Test
    void aNoteWithTextPostgresCannotStoreIsRefusedNamingTheField() {
        assertThat(leads.addNote(LEAD, "call\u0000back")).isEqualTo(new LeadUpdate(false,
                "note has a NUL character (U+0000) at position 5, which PostgreSQL cannot store"));
        assertThat(leads.addNote(LEAD, "ok \uD83D")).isEqualTo(new LeadUpdate(false,
                "note has an unpaired UTF-16 surrogate (U+D83D) at position 4, which UTF-8 cannot encode"));
        assertThat(leads.addNote(LEAD, "viewing \uD83C\uDFE0 booked").applied()).isTrue();
        assertThat(leads.find(LEAD).orElseThrow().notes()).containsExactly("viewing \uD83C\uDFE0 booked");
    }

    @Test
    void aListersLeadsComeMostRecentFirst() {
        assertThat(leads.forLister("agent-1", 10)).extracting(Lead::lead)
                .containsExactly(new LeadRef("L2", "seeker-1"), LEAD);
        assertThat(leads.forLister("agent-1", 1)).hasSize(1);
        assertThat(leads.forLister("nobody", 10)).isEmpty();
    }
}
