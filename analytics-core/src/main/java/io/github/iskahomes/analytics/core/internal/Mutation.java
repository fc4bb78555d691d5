package io.github.iskahomes.analytics.core.internal;

import io.github.iskahomes.analytics.core.EntityRef;
import io.github.iskahomes.analytics.core.EventType;
import io.github.iskahomes.analytics.core.LeadAction;
import io.github.iskahomes.analytics.core.LeadRef;
import java.util.Objects;

/**
 * One change an event makes to the day's analytics state. A {@link MutationPlan} lists them; the Redis ingestor
 * executes them (see its README section for the key each one writes) and the aggregator reads back the same metric
 * names. None of them carries the day: the plan does.
 */
public sealed interface Mutation {

    /** Add {@code by} to a counter of an entity's day (in Redis a field of the entity-day's counters hash). */
    record Increment(EntityRef entity, String metric, long by) implements Mutation {
        public Increment {
            Objects.requireNonNull(entity, "entity");
            Objects.requireNonNull(metric, "metric");
        }
    }

    /** Add a member to a unique count of an entity's day ({@code PFADD}). */
    record UniqueAdd(EntityRef entity, String metric, String member) implements Mutation {
        public UniqueAdd {
            Objects.requireNonNull(entity, "entity");
            Objects.requireNonNull(metric, "metric");
            Objects.requireNonNull(member, "member");
        }
    }

    /** Set a descriptive field of an entity's day, such as its lister or user type (last write wins). */
    record MetadataSet(EntityRef entity, String field, String value) implements Mutation {
        public MetadataSet {
            Objects.requireNonNull(entity, "entity");
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(value, "value");
        }
    }

    /** Record that an entity was active on the day, so the aggregator finds it without scanning keys. */
    record IndexAdd(EntityRef entity) implements Mutation {
        public IndexAdd {
            Objects.requireNonNull(entity, "entity");
        }
    }

    /** Append an action to a lead (and mark the lead active on the day). */
    record LeadActionAppend(LeadRef lead, LeadAction action) implements Mutation {
        public LeadActionAppend {
            Objects.requireNonNull(lead, "lead");
            Objects.requireNonNull(action, "action");
        }
    }

    /** Set a descriptive field of a lead: its lister id and type, or development (last write wins). */
    record LeadMetadataSet(LeadRef lead, String field, String value) implements Mutation {
        public LeadMetadataSet {
            Objects.requireNonNull(lead, "lead");
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(value, "value");
        }
    }

    /** Count one event of this type on the day (every accepted event has exactly one). */
    record EventCounted(EventType type) implements Mutation {
        public EventCounted {
            Objects.requireNonNull(type, "type");
        }
    }
}
