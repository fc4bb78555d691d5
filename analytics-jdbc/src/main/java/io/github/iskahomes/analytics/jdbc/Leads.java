package io.github.iskahomes.analytics.jdbc;

import io.github.iskahomes.analytics.core.LeadAction;
import io.github.iskahomes.analytics.core.LeadRef;
import io.github.iskahomes.analytics.core.internal.StorableText;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.postgres.PostgresPlugin;

/**
 * The host's side of the {@code leads} table: its users set a lead's status and add notes, and list a lister's leads.
 * These columns belong to the host: the {@link Aggregator} never writes {@code status} or {@code notes}.
 *
 * <p>Thread-safe. The {@link Jdbi} or {@link DataSource} is the host's and is never closed here. Every method throws
 * {@link io.github.iskahomes.analytics.core.StoreUnavailableException} when PostgreSQL cannot be reached.
 */
public final class Leads {
    private static final String COLUMNS = """
            listing_id, seeker_id, lister_id, lister_type, development_id, total_actions, first_action_date,
            last_action_date, last_action_type, status, ARRAY(SELECT jsonb_array_elements_text(notes)) AS note_texts,
            created_at, updated_at""";
    /** Notes longer than this are refused: a note is a human's sentence, not a document. */
    public static final int MAX_NOTE_LENGTH = 10_000;

    private final Jdbi jdbi;
    private final String store;

    private Leads(Jdbi jdbi, String store) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
        this.store = store;
    }

    /** Leads over the host's Jdbi. */
    public static Leads create(Jdbi jdbi) {
        return new Leads(jdbi, "PostgreSQL");
    }

    /** Leads over the host's data source. */
    public static Leads create(DataSource dataSource) {
        return new Leads(Jdbi.create(dataSource).installPlugin(new PostgresPlugin()), Stores.describe(dataSource));
    }

    /**
     * Sets a lead's status: one of {@code new, contacted, qualified, converted, lost} (case-insensitive).
     * Anything else, or a lead that does not exist, is refused with a reason.
     */
    public LeadUpdate setStatus(LeadRef lead, String status) {
        Objects.requireNonNull(lead, "lead");
        Optional<LeadStatus> parsed = LeadStatus.fromWireName(status);
        if (parsed.isEmpty()) {
            return LeadUpdate.refused("status \"" + status + "\" is not one of " + LeadStatus.NAMES);
        }
        return setStatus(lead, parsed.get());
    }

    /** Sets a lead's status; a lead that does not exist is refused with a reason. */
    public LeadUpdate setStatus(LeadRef lead, LeadStatus status) {
        Objects.requireNonNull(lead, "lead");
        Objects.requireNonNull(status, "status");
        int rows = Stores.call(store, "setting the status of a lead", () -> jdbi.withHandle(h -> h.createUpdate(
                        "UPDATE leads SET status = :s, updated_at = now() WHERE listing_id = :l AND seeker_id = :k")
                .bind("s", status.wireName()).bind("l", lead.listingId()).bind("k", lead.seekerId()).execute()));
        return rows == 1 ? LeadUpdate.APPLIED : notFound(lead);
    }

    /**
     * Appends a note (kept in order, never replaced). An empty or over-long note, a note PostgreSQL cannot store
     * (U+0000 or an unpaired UTF-16 surrogate), or an unknown lead is refused with a reason naming {@code note}.
     */
    public LeadUpdate addNote(LeadRef lead, String note) {
        Objects.requireNonNull(lead, "lead");
        if (note == null || note.isBlank()) {
            return LeadUpdate.refused("note is empty");
        }
        if (note.length() > MAX_NOTE_LENGTH) {
            return LeadUpdate.refused("note is " + note.length() + " characters long; notes may be at most "
                    + MAX_NOTE_LENGTH);
        }
        String unstorable = StorableText.problem("note", note);
        if (unstorable != null) {
            return LeadUpdate.refused(unstorable);
        }
        int rows = Stores.call(store, "adding a note to a lead", () -> jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE leads SET notes = notes || jsonb_build_array(CAST(:n AS text)), updated_at = now()
                        WHERE listing_id = :l AND seeker_id = :k""")
                .bind("n", note).bind("l", lead.listingId()).bind("k", lead.seekerId()).execute()));
        return rows == 1 ? LeadUpdate.APPLIED : notFound(lead);
    }

    /** A lead, if the aggregator has written it. */
    public Optional<Lead> find(LeadRef lead) {
        Objects.requireNonNull(lead, "lead");
        return Stores.call(store, "reading a lead", () -> jdbi.withHandle(h -> h.createQuery(
                        "SELECT " + COLUMNS + " FROM leads WHERE listing_id = :l AND seeker_id = :k")
                .bind("l", lead.listingId()).bind("k", lead.seekerId()).map(Leads::lead).findOne()));
    }

    /** A lister's leads, most recently active first, at most {@code limit}. */
    public List<Lead> forLister(String listerId, int limit) {
        Objects.requireNonNull(listerId, "listerId");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        return Stores.call(store, "listing the leads of lister " + listerId, () -> jdbi.withHandle(h -> h.createQuery(
                        "SELECT " + COLUMNS + " FROM leads WHERE lister_id = :lister "
                                + "ORDER BY last_action_date DESC NULLS LAST, listing_id, seeker_id LIMIT :limit")
                .bind("lister", listerId).bind("limit", limit).map(Leads::lead).list()));
    }

    /** Every stored action of a lead, oldest first (actions stay after Redis forgot them). */
    public List<LeadAction> actions(LeadRef lead) {
        Objects.requireNonNull(lead, "lead");
        return Stores.call(store, "reading the actions of a lead", () -> jdbi.withHandle(h -> h.createQuery("""
                        SELECT uuid, type, at, context FROM lead_actions WHERE listing_id = :l AND seeker_id = :k
                        ORDER BY at, uuid""")
                .bind("l", lead.listingId()).bind("k", lead.seekerId())
                .map((rs, ctx) -> new LeadAction(rs.getString("uuid"), rs.getString("type"),
                        rs.getTimestamp("at").toInstant(), rs.getString("context")))
                .list()));
    }

    private LeadUpdate notFound(LeadRef lead) {
        return LeadUpdate.refused("there is no lead for listing " + lead.listingId() + " and seeker "
                + lead.seekerId());
    }

    private static Lead lead(ResultSet rs, StatementContext ctx) throws SQLException {
        String[] notes = (String[]) rs.getArray("note_texts").getArray();
        return new Lead(new LeadRef(rs.getString("listing_id"), rs.getString("seeker_id")),
                rs.getString("lister_id"), rs.getString("lister_type"), rs.getString("development_id"),
                rs.getLong("total_actions"), instant(rs.getTimestamp("first_action_date")),
                instant(rs.getTimestamp("last_action_date")), rs.getString("last_action_type"),
                LeadStatus.fromWireName(rs.getString("status")).orElseThrow(), Arrays.asList(notes),
                instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("updated_at")));
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
