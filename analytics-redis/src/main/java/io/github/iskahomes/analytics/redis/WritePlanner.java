package io.github.iskahomes.analytics.redis;

import io.github.iskahomes.analytics.core.EntityKind;
import io.github.iskahomes.analytics.core.EntityRef;
import io.github.iskahomes.analytics.core.LeadRef;
import io.github.iskahomes.analytics.core.internal.Metrics;
import io.github.iskahomes.analytics.core.internal.Mutation;
import io.github.iskahomes.analytics.core.internal.MutationPlan;
import io.github.iskahomes.analytics.redis.internal.RedisForms;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Plans a batch: maps each mutation of each event to {@link Op}s on the keys of one hash slot. An event's ops on one
 * entity-day (listing, lister, development; a lead's keys share its listing's slot) are one segment of that
 * entity-day's {@link EntityDayOps}; index entries gather per index shard ({@link IndexOps}), per-type event counts
 * per (day, uuid shard) ({@link CountOps}). Every event has an event count, so every event has a count marker; with
 * {@code oneCall} (a standalone Redis, whose batch is one script) that is its only marker and its segments refer to
 * it, otherwise each entity-day call marks the event again in its own slot. Stateless apart from its settings;
 * thread-safe.
 */
final class WritePlanner {
    private final Keys keys;
    private final IngestorConfig config;
    private final String leadActionCap;
    /** Whether the batch goes as one script call, so that an event's count marker can guard all its segments. */
    private final boolean oneCall;
    /**
     * First-level marker buckets per event-count shard. A standalone Redis counts a day's events in one shard (00),
     * all its 4,096 first-level buckets there: one count call per batch and day instead of one per shard touched.
     * A Cluster spreads them over {@code indexShards} shards, to spread a busy day over the masters.
     */
    private final int markerBuckets;
    private final MetadataCache written = new MetadataCache();
    /** The first-level marker bucket names of each event-count shard, made once rather than per event and batch. */
    private final Map<String, String[]> bucketNames = new ConcurrentHashMap<>();

    WritePlanner(Keys keys, IngestorConfig config, boolean oneCall) {
        this.keys = keys;
        this.config = config;
        this.leadActionCap = Integer.toString(config.leadActionCap());
        this.oneCall = oneCall;
        this.markerBuckets = Keys.markerBuckets(oneCall ? 1 : keys.shards());
    }

    /**
     * A planned batch: its script calls in the order they go and, for each event, where its answers are: pairs
     * (entity-day call, segment) in {@code segmentsOf}, (count call, part) or {@code null} in {@code countOf}.
     */
    record WritePlan(List<ScriptCall> calls, List<EntityDayOps> entityDays, List<ScriptCall> entityDayCalls,
                     List<ScriptCall> countCalls, int[][] segmentsOf, int[][] countOf, MetadataCache cache,
                     long[] metadata) {

        /**
         * Once the calls have run, all of them: whether any of each event's calls applied something. The metadata
         * the calls wrote is then remembered in the planner's {@link MetadataCache}, never earlier.
         */
        boolean[] applied() {
            for (long signature : metadata) {
                cache.add(signature);
            }
            boolean[] applied = new boolean[segmentsOf.length];
            for (int e = 0; e < segmentsOf.length; e++) {
                int[] own = segmentsOf[e];
                for (int t = 0; t < own.length; t += 2) {
                    applied[e] |= entityDayCalls.get(own[t]).applied(own[t + 1]);
                }
                if (countOf[e] != null) {
                    applied[e] |= countCalls.get(countOf[e][0]).applied(countOf[e][1]);
                }
            }
            return applied;
        }
    }

    WritePlan plan(List<MutationPlan> plans) {
        written.expire(System.nanoTime());
        long[] metadata = new long[8];
        int metadataCount = 0;
        List<IndexOps> indexes = new ArrayList<>();
        List<CountOps> counts = new ArrayList<>();
        List<EntityDayOps> groupList = new ArrayList<>();
        Map<LocalDate, DayText> days = new HashMap<>(4);
        EntityDayOps.Batch batch = new EntityDayOps.Batch(plans.size());
        DayText lastDay = null;
        int[][] segmentsOf = new int[plans.size()][];
        int[][] countOf = new int[plans.size()][];
        String[] markFields = new String[plans.size()];
        String[] markValues = new String[plans.size()];
        int[] touched = new int[8];
        for (int e = 0; e < plans.size(); e++) {
            MutationPlan plan = plans.get(e);
            LocalDate date = plan.day();
            DayText day = lastDay != null && lastDay.date.equals(date) ? lastDay
                    : days.computeIfAbsent(date, this::dayText);
            lastDay = day;
            Marker marker = Marker.of(plan.uuid());
            if (!oneCall) {
                markFields[e] = marker.field();
                markValues[e] = marker.value();
            }
            int touchedCount = 0;
            // The contract gives an event's mutations of one entity one EntityRef, mostly one after another.
            EntityRef lastEntity = null;
            EntityDayOps lastGroup = null;
            for (Mutation mutation : plan.mutations()) {
                EntityDayOps group = null;
                EntityRef entity = mutation instanceof Mutation.Increment m ? m.entity()
                        : mutation instanceof Mutation.UniqueAdd m ? m.entity()
                        : mutation instanceof Mutation.MetadataSet m ? m.entity() : null;
                if (entity != null) {
                    if (entity != lastEntity) {
                        lastGroup = segment(groupList, entity, day, e, batch);
                        lastEntity = entity;
                    }
                    group = lastGroup;
                }
                if (mutation instanceof Mutation.Increment m) {
                    group.counter(m.metric(), m.by());
                    String unique = pairedUnique(m.entity().kind(), m.metric());
                    // A companion counter moves only with its sketch: else its field could exist while the sketch
                    // does not.
                    if (unique != null && !moves(plan, m.entity(), unique, false)) {
                        throw new IllegalStateException("event " + plan.uuid() + " increments " + m.metric() + " of "
                                + m.entity() + " without adding to its sketch " + unique);
                    }
                } else if (mutation instanceof Mutation.UniqueAdd m) {
                    String companion = companion(m.entity().kind(), m.metric());
                    if (companion == null || !moves(plan, m.entity(), companion, true)) {
                        throw new IllegalStateException("event " + plan.uuid() + " adds to " + m.metric() + " of "
                                + m.entity() + " without incrementing its companion counter " + companion);
                    }
                    group.unique(m.metric(), companion, m.member());
                } else if (mutation instanceof Mutation.MetadataSet m) {
                    group.metadata(m.field(), m.value());
                } else if (mutation instanceof Mutation.IndexAdd m) {
                    index(indexes, m.entity().kind().ordinal(), RedisForms.keyName(m.entity().kind()), day,
                            m.entity().id());
                } else if (mutation instanceof Mutation.LeadActionAppend m) {
                    LeadRef lead = m.lead();
                    group = segment(groupList, EntityRef.listing(lead.listingId()), day, e, batch);
                    group.spanOp(Op.APPEND, keys.leadActions(lead), RedisForms.encodeLeadAction(m.action()), null);
                    group.dayOp(Op.INCREMENT, keys.leadDayActions(lead, day.text), "1");
                    index(indexes, LEAD_INDEX, Keys.LEAD_KIND, day, Keys.leadMember(lead));
                } else if (mutation instanceof Mutation.LeadMetadataSet m) {
                    group = segment(groupList, EntityRef.listing(m.lead().listingId()), day, e, batch);
                    group.spanOp(Op.FIELD, keys.leadMetadata(m.lead()), m.field(), m.value());
                } else if (mutation instanceof Mutation.EventCounted m) {
                    int shard = oneCall ? 0 : keys.shardOf(plan.uuid());
                    CountOps count = day.counts[shard];
                    if (count == null) {
                        String countsKey = keys.eventCounts(day.text, shard);
                        count = new CountOps(countsKey, day.expiry, bucketNames(countsKey),
                                counts.size(), oneCall ? plans.size() : 16);
                        day.counts[shard] = count;
                        counts.add(count);
                    }
                    countOf[e] = new int[] {count.index, count.add(marker, m.type().wireName())};
                } else {
                    throw new IllegalStateException("no Redis mapping for " + mutation);
                }
                if (group != null && !contains(touched, touchedCount, group.index)) {
                    if (touchedCount == touched.length) {
                        touched = Arrays.copyOf(touched, touchedCount * 2);
                    }
                    touched[touchedCount++] = group.index;
                }
            }
            int[] own = new int[touchedCount * 2];
            for (int t = 0; t < touchedCount; t++) {
                EntityDayOps group = groupList.get(touched[t]);
                // The event's ops on this entity-day, written as RESP, and its metadata unless this Ingestor wrote
                // the same lately.
                long signature = group.end(written);
                if (signature != 0) {
                    if (metadataCount == metadata.length) {
                        metadata = Arrays.copyOf(metadata, metadataCount * 2);
                    }
                    metadata[metadataCount++] = signature;
                }
                own[2 * t] = group.index;
                own[2 * t + 1] = group.segmentCount() - 1;
            }
            segmentsOf[e] = own;
        }
        List<ScriptCall> calls = new ArrayList<>(indexes.size() + groupList.size() + counts.size());
        List<ScriptCall> countCalls = new ArrayList<>(counts.size());
        int[] countStart = new int[counts.size()];
        int counted = 0;
        for (CountOps count : counts) {
            countCalls.add(count.call());
            countStart[count.index] = counted;
            counted += count.size();
        }
        int[] countPlaces = oneCall ? new int[plans.size()] : null;
        if (oneCall) {
            // The batch is one script: the counts run first, and an event's segments name its count's answer.
            calls.addAll(countCalls);
            for (int e = 0; e < plans.size(); e++) {
                if (countOf[e] == null) {
                    throw new IllegalStateException("event " + plans.get(e).uuid() + " has no event count to mark");
                }
                countPlaces[e] = countStart[countOf[e][0]] + countOf[e][1] + 1;
            }
        }
        // Index entries before entity-days: they are idempotent, and an entity is then never left with data nobody
        // can find when a batch is cut between calls.
        for (IndexOps index : indexes) {
            calls.add(index.call());
        }
        List<ScriptCall> groupCalls = new ArrayList<>(groupList.size());
        for (EntityDayOps group : groupList) {
            ScriptCall call = group.call(markFields, markValues, countPlaces);
            groupCalls.add(call);
            calls.add(call);
        }
        if (!oneCall) {
            calls.addAll(countCalls);
        }
        return new WritePlan(calls, groupList, groupCalls, countCalls, segmentsOf, countOf, written,
                Arrays.copyOf(metadata, metadataCount));
    }

    /** Whether {@code index} is among the first {@code count} of {@code touched} (a handful: a scan will do). */
    private static boolean contains(int[] touched, int count, int index) {
        for (int t = 0; t < count; t++) {
            if (touched[t] == index) {
                return true;
            }
        }
        return false;
    }

    /**
     * Per kind, the counter that every event adding to a unique metric increments on the same entity, and that only
     * such events increment (the metric contract's pairing): the script tells that the HyperLogLog is new from that
     * counter's field being new, instead of asking Redis. Checked on every plan, both ways, since a sketch created
     * without its day's expiry would never go away.
     */
    private static final Map<EntityKind, Map<String, String>> COMPANIONS = new EnumMap<>(Map.of(
            EntityKind.LISTING, Map.of(Metrics.UNIQUE_VIEWS, Metrics.TOTAL_VIEWS,
                    Metrics.UNIQUE_LEADS, Metrics.TOTAL_LEADS),
            EntityKind.USER, Map.of(Metrics.UNIQUE_PROFILE_VIEWERS, Metrics.PROFILE_VIEWS),
            EntityKind.DEVELOPMENT, Map.of(Metrics.UNIQUE_VIEWS, Metrics.TOTAL_VIEWS)));
    /** {@link #COMPANIONS} the other way: per kind, the unique metric of each companion counter. */
    private static final Map<EntityKind, Map<String, String>> PAIRED_UNIQUES = new EnumMap<>(EntityKind.class);

    static {
        COMPANIONS.forEach((kind, pairs) -> {
            Map<String, String> inverse = new HashMap<>();
            pairs.forEach((unique, counter) -> inverse.put(counter, unique));
            PAIRED_UNIQUES.put(kind, inverse);
        });
    }

    /** The companion counter of {@code unique} for {@code kind}, or {@code null}. */
    static String companion(EntityKind kind, String unique) {
        return COMPANIONS.getOrDefault(kind, Map.of()).get(unique);
    }

    /** The unique metric whose {@link #companion} {@code counter} is, or {@code null}. */
    static String pairedUnique(EntityKind kind, String counter) {
        return PAIRED_UNIQUES.getOrDefault(kind, Map.of()).get(counter);
    }

    /** Whether the event also increments ({@code increment}) or adds to {@code metric} of {@code entity}. */
    private static boolean moves(MutationPlan plan, EntityRef entity, String metric, boolean increment) {
        for (Mutation mutation : plan.mutations()) {
            boolean match;
            if (increment) {
                match = mutation instanceof Mutation.Increment m && m.by() > 0 && m.metric().equals(metric)
                        && m.entity().equals(entity);
            } else {
                match = mutation instanceof Mutation.UniqueAdd m && m.metric().equals(metric)
                        && m.entity().equals(entity);
            }
            if (match) {
                return true;
            }
        }
        return false;
    }

    /** The index kinds: the entity kinds by ordinal, then leads. */
    private static final int LEAD_INDEX = EntityKind.values().length;

    /**
     * A day of the batch: its key text and expiry, computed once per batch instead of once per key, and its index
     * shards touched so far, by kind and shard (no key text built per member).
     */
    private static final class DayText {
        final LocalDate date;
        final String text;
        final String expiry;
        final IndexOps[] indexes;
        /** The day's event-count calls by shard. */
        final CountOps[] counts;
        /** The day's entity-days by kind (ordinal) and id: no key object made per lookup. */
        @SuppressWarnings("unchecked")
        final Map<String, EntityDayOps>[] entityDays = new Map[EntityKind.values().length];

        DayText(LocalDate date, String text, String expiry, int indexSlots, int countShards) {
            this.date = date;
            this.text = text;
            this.expiry = expiry;
            this.indexes = new IndexOps[indexSlots];
            this.counts = new CountOps[countShards];
        }
    }

    private DayText dayText(LocalDate day) {
        return new DayText(day, Keys.day(day), Long.toString(expiry(day)), (LEAD_INDEX + 1) * keys.shards(),
                oneCall ? 1 : keys.shards());
    }

    /** The entity-day's ops, with a segment open for the event {@code e}. */
    private EntityDayOps segment(List<EntityDayOps> groupList, EntityRef entity, DayText day, int e,
                                 EntityDayOps.Batch batch) {
        int kind = entity.kind().ordinal();
        Map<String, EntityDayOps> groups = day.entityDays[kind];
        if (groups == null) {
            groups = new HashMap<>();
            day.entityDays[kind] = groups;
        }
        EntityDayOps group = groups.get(entity.id());
        if (group == null) {
            group = new EntityDayOps(entity.kind(), keys.counters(entity, day.text), day.expiry, leadActionCap,
                    groupList.size(), !oneCall, batch);
            groups.put(entity.id(), group);
            groupList.add(group);
        }
        if (group.lastEvent != e) {
            group.begin(e);
        }
        return group;
    }

    private void index(List<IndexOps> indexes, int kindIndex, String kind, DayText day, String member) {
        // On a standalone Redis every index entry of a kind and day goes to shard 0: shards spread a day over a
        // Cluster's nodes, and on one server they only cost an SADD per shard and sub-batch (0.6 per property view).
        // The reader walks every shard, so a day written either way reads the same.
        int shard = oneCall ? 0 : keys.shardOf(member);
        int slot = kindIndex * keys.shards() + shard;
        IndexOps ops = day.indexes[slot];
        if (ops == null) {
            ops = new IndexOps(keys.index(kind, day.text, shard), day.expiry, leadActionCap);
            day.indexes[slot] = ops;
            indexes.add(ops);
        }
        ops.add(member);
    }

    /** The bucket names of the counts key {@code countsKey}; kept for the few days and shards being written. */
    private String[] bucketNames(String countsKey) {
        if (bucketNames.size() > 64) {
            bucketNames.clear();
        }
        return bucketNames.computeIfAbsent(countsKey, key -> new String[markerBuckets]);
    }

    /** When the keys of {@code day} expire, in epoch seconds. */
    long expiry(LocalDate day) {
        return Keys.expiryOf(config.calendar(), day, config.retention()).getEpochSecond();
    }
}
