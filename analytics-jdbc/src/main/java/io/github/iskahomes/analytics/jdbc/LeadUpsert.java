package io.github.iskahomes.analytics.jdbc;

import io.github.iskahomes.analytics.core.LeadAction;
import io.github.iskahomes.analytics.core.internal.Metrics;
import io.github.iskahomes.analytics.core.internal.StorableText;
import io.github.iskahomes.analytics.redis.LeadState;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * The batch writes of one chunk of leads: actions appended, per-day counts replaced, then each lead row upserted once
 * with its facts recomputed from them.
 */
final class LeadUpsert {
    private LeadUpsert() {
    }

    /** Why an action cannot be stored (text PostgreSQL refuses), or null when it can. */
    static String problem(LeadAction action) {
        String problem = StorableText.problem("uuid", action.uuid());
        if (problem == null) {
            problem = StorableText.problem("type", action.type());
        }
        return problem == null ? StorableText.problem("context", action.context()) : problem;
    }

    /** The same lead with only {@code actions} to append. */
    static LeadState withActions(LeadState lead, List<LeadAction> actions) {
        return new LeadState(lead.lead(), lead.day(), lead.metadata(), actions, lead.actionsOnDay());
    }

    static int execute(Handle handle, LocalDate day, List<LeadState> leads) {
        List<String> listing = new ArrayList<>(leads.size());
        List<String> seeker = new ArrayList<>(leads.size());
        List<String> lister = new ArrayList<>(leads.size());
        List<String> listerType = new ArrayList<>(leads.size());
        List<String> development = new ArrayList<>(leads.size());
        List<Long> onDay = new ArrayList<>(leads.size());
        List<String> aListing = new ArrayList<>();
        List<String> aSeeker = new ArrayList<>();
        List<String> aUuid = new ArrayList<>();
        List<String> aType = new ArrayList<>();
        List<String> aAt = new ArrayList<>();
        List<String> aContext = new ArrayList<>();
        for (LeadState lead : leads) {
            listing.add(lead.lead().listingId());
            seeker.add(lead.lead().seekerId());
            lister.add(lead.metadata().get(Metrics.META_LISTER_ID));
            listerType.add(lead.metadata().get(Metrics.META_LISTER_TYPE));
            development.add(lead.metadata().get(Metrics.META_DEVELOPMENT_ID));
            onDay.add(lead.actionsOnDay());
            for (LeadAction action : lead.actions()) {
                aListing.add(lead.lead().listingId());
                aSeeker.add(lead.lead().seekerId());
                aUuid.add(action.uuid());
                aType.add(action.type());
                aAt.add(action.at().toString());
                aContext.add(action.context());
            }
        }
        // Actions and per-day counts first: the lead row's facts are computed from them in its one upsert.
        if (!aUuid.isEmpty()) {
            handle.createUpdate(Sql.resource("leads_actions_insert.sql"))
                    .bind("listing", Sql.array("text", aListing)).bind("seeker", Sql.array("text", aSeeker))
                    .bind("uuid", Sql.array("text", aUuid)).bind("type", Sql.array("text", aType))
                    .bind("at", Sql.array("text", aAt)).bind("context", Sql.array("text", aContext))
                    .execute();
        }
        handle.createUpdate(Sql.resource("leads_days_upsert.sql"))
                .bind("date", day)
                .bind("listing", Sql.array("text", listing)).bind("seeker", Sql.array("text", seeker))
                .bind("actions", Sql.array("bigint", onDay))
                .execute();
        int written = handle.createUpdate(Sql.resource("leads_upsert.sql"))
                .bind("listing", Sql.array("text", listing)).bind("seeker", Sql.array("text", seeker))
                .bind("lister", Sql.array("text", lister)).bind("lister_type", Sql.array("text", listerType))
                .bind("development", Sql.array("text", development))
                .execute();
        return written;
    }
}
