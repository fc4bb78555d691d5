package io.github.iskahomes.analytics.redis;

import io.github.iskahomes.analytics.core.CheckedEvent;
import io.github.iskahomes.analytics.core.EntityRef;
import io.github.iskahomes.analytics.core.EventJson;
import io.github.iskahomes.analytics.core.LeadRef;
import io.github.iskahomes.analytics.core.Mutation;
import io.github.iskahomes.analytics.core.MutationPlan;
import io.github.iskahomes.analytics.core.StoreUnavailableException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns mutation plans into script calls and runs them as one pipeline. Each event gives one {@link Script#APPLY}
 * call per entity it touches (listing, lister, development; a lead's keys share its listing's slot), each deduplicated
 * by the event uuid inside that slot. Per batch it adds one {@link Script#COUNT} call per (day, uuid shard) for the
 * per-type event counts, and one idempotent {@link Script#APPLY} call per index shard touched. Stateless apart from
 * the store; thread-safe.
 */
final class BatchWriter {
    private static final Logger log = LoggerFactory.getLogger(BatchWriter.class);

    private final RedisStore store;
    private final Keys keys;
    private final IngestorConfig config;

    BatchWriter(RedisStore store, Keys keys, IngestorConfig config) {
        this.store = store;
        this.keys = keys;
        this.config = config;
    }

    /** One queued script call. */
    static final class Call {
        final Script script;
        final ScriptOutputType type;
        final String[] keys;
        final String[] args;
        RedisFuture<Object> future;
        Object result;

        Call(Script script, ScriptOutputType type, String[] keys, String[] args) {
            this.script = script;
            this.type = type;
            this.keys = keys;
            this.args = args;
        }

        long applied() {
            return result instanceof Long value ? value : 0;
        }
    }

    /** What the batch did to each event: whether any of its calls applied something. */
    boolean[] write(List<MutationPlan> plans, int callLimit) {
        List<Call> calls = new ArrayList<>();
        Map<String, IndexShard> indexes = new LinkedHashMap<>();
        Map<String, CountShard> counts = new LinkedHashMap<>();
        List<List<Call>> callsOfEvent = new ArrayList<>(plans.size());
        int[][] countSlot = new int[plans.size()][];
        for (int e = 0; e < plans.size(); e++) {
            MutationPlan plan = plans.get(e);
            Map<EntityRef, Group> groups = new LinkedHashMap<>();
            for (Mutation mutation : plan.mutations()) {
                if (mutation instanceof Mutation.Increment m) {
                    group(groups, m.entity(), plan).op("i", keys.entityDay(m.entity(), plan.day(), m.metric()), false,
                            Long.toString(m.by()));
                } else if (mutation instanceof Mutation.UniqueAdd m) {
                    group(groups, m.entity(), plan).op("u", keys.entityDay(m.entity(), plan.day(), m.metric()), false,
                            m.member());
                } else if (mutation instanceof Mutation.MetadataSet m) {
                    group(groups, m.entity(), plan).op("h", keys.entityDay(m.entity(), plan.day(), Keys.META), false,
                            m.field(), m.value());
                } else if (mutation instanceof Mutation.IndexAdd m) {
                    index(indexes, m.entity().kind().keyName(), plan.day(), m.entity().id());
                } else if (mutation instanceof Mutation.LeadActionAppend m) {
                    LeadRef lead = m.lead();
                    Group group = group(groups, EntityRef.listing(lead.listingId()), plan);
                    group.op("l", keys.leadActions(lead), true, EventJson.encodeLeadAction(m.action()));
                    group.op("i", keys.leadDayActions(lead, plan.day()), false, "1");
                    index(indexes, Keys.LEAD_KIND, plan.day(), lead.indexMember());
                } else if (mutation instanceof Mutation.LeadMetadataSet m) {
                    group(groups, EntityRef.listing(m.lead().listingId()), plan)
                            .op("h", keys.leadMetadata(m.lead()), true, m.field(), m.value());
                } else if (mutation instanceof Mutation.EventCounted m) {
                    int shard = keys.shardOf(plan.uuid());
                    String key = keys.eventCounts(plan.day(), shard);
                    CountShard count = counts.computeIfAbsent(key, k -> new CountShard(plan.day(), shard, counts.size()));
                    countSlot[e] = new int[] {count.index, count.uuids.size()};
                    count.uuids.add(plan.uuid());
                    count.types.add(m.type().wireName());
                } else {
                    throw new IllegalStateException("no Redis mapping for " + mutation);
                }
            }
            List<Call> own = new ArrayList<>(groups.size());
            for (Group group : groups.values()) {
                own.add(group.call());
            }
            callsOfEvent.add(own);
        }
        // Index entries first: they are idempotent, and an entity is then never left with data nobody can find.
        for (IndexShard index : indexes.values()) {
            calls.add(index.call());
        }
        for (List<Call> own : callsOfEvent) {
            calls.addAll(own);
        }
        List<Call> countCalls = new ArrayList<>(counts.size());
        for (CountShard count : counts.values()) {
            Call call = count.call();
            countCalls.add(call);
            calls.add(call);
        }
        execute(calls, callLimit);

        boolean[] applied = new boolean[plans.size()];
        for (int e = 0; e < plans.size(); e++) {
            for (Call call : callsOfEvent.get(e)) {
                applied[e] |= call.applied() == 1;
            }
            if (countSlot[e] != null) {
                Object results = countCalls.get(countSlot[e][0]).result;
                applied[e] |= results instanceof List<?> list && Long.valueOf(1).equals(list.get(countSlot[e][1]));
            }
        }
        return applied;
    }

    private void execute(List<Call> calls, int callLimit) {
        int sent = Math.min(calls.size(), callLimit);
        List<Call> reload = run(calls.subList(0, sent), false);
        if (sent < calls.size()) {
            throw new StoreUnavailableException(store.server(), "the batch was cut off after " + sent + " of "
                    + calls.size() + " script calls (test hook)", null);
        }
        if (!reload.isEmpty()) {
            log.info("{} does not know the ingest scripts (restarted or flushed?); loading them again", store.server());
            List<Call> again = run(reload, true);
            if (!again.isEmpty()) {
                throw new IllegalStateException("EVAL answered NOSCRIPT");
            }
        }
    }

    /** Queues every call, flushes once, waits; returns the calls Redis answered NOSCRIPT to. */
    private List<Call> run(List<Call> calls, boolean load) {
        for (Call call : calls) {
            call.future = store.script(call.script, load, call.type, call.keys, call.args);
        }
        store.flush();
        long deadline = store.deadline();
        List<Call> noScript = new ArrayList<>();
        for (Call call : calls) {
            try {
                call.result = store.await(call.future, deadline);
            } catch (RedisStore.NoScript e) {
                noScript.add(call);
            }
        }
        return noScript;
    }

    private Group group(Map<EntityRef, Group> groups, EntityRef entity, MutationPlan plan) {
        return groups.computeIfAbsent(entity,
                e -> new Group(keys.entityDay(e, plan.day(), Keys.SEEN), plan.uuid(), expiry(plan.day())));
    }

    private void index(Map<String, IndexShard> indexes, String kind, LocalDate day, String member) {
        String key = keys.index(kind, day, keys.shardOf(member));
        indexes.computeIfAbsent(key, k -> new IndexShard(k, expiry(day))).members.add(member);
    }

    private long expiry(LocalDate day) {
        return config.calendar().expiryOf(day, config.retention()).getEpochSecond();
    }

    /** The mutations of one event on one entity: one {@link Script#APPLY} call. */
    private final class Group {
        private final Map<String, Integer> dayKeys = new LinkedHashMap<>();
        private final Map<String, Boolean> spanKeys = new LinkedHashMap<>();
        private final List<String[]> ops = new ArrayList<>();
        private final String uuid;
        private final long expiry;

        Group(String dedupeKey, String uuid, long expiry) {
            this.uuid = uuid;
            this.expiry = expiry;
            if (dedupeKey != null) {
                dayKeys.put(dedupeKey, dayKeys.size());
            }
        }

        void op(String code, String key, boolean spansDays, String... values) {
            if (spansDays) {
                spanKeys.put(key, Boolean.TRUE);
            } else {
                dayKeys.putIfAbsent(key, dayKeys.size());
            }
            String[] op = new String[2 + values.length];
            op[0] = code;
            op[1] = key;
            System.arraycopy(values, 0, op, 2, values.length);
            ops.add(op);
        }

        Call call() {
            Map<String, Integer> position = new LinkedHashMap<>();
            List<String> keyList = new ArrayList<>(dayKeys.size() + spanKeys.size());
            for (String key : dayKeys.keySet()) {
                position.put(key, keyList.size() + 1);
                keyList.add(key);
            }
            for (String key : spanKeys.keySet()) {
                position.put(key, keyList.size() + 1);
                keyList.add(key);
            }
            List<String> args = new ArrayList<>(4 + ops.size() * 4);
            args.add(uuid == null ? "" : uuid);
            args.add(Long.toString(expiry));
            args.add(Integer.toString(dayKeys.size()));
            args.add(Integer.toString(config.leadActionCap()));
            for (String[] op : ops) {
                args.add(op[0]);
                args.add(Integer.toString(position.get(op[1])));
                for (int i = 2; i < op.length; i++) {
                    args.add(op[i]);
                }
            }
            return new Call(Script.APPLY, ScriptOutputType.INTEGER, keyList.toArray(String[]::new),
                    args.toArray(String[]::new));
        }
    }

    /** One index shard's new members for the batch: an idempotent SADD, so no uuid check. */
    private final class IndexShard {
        final String key;
        final long expiry;
        final LinkedHashSet<String> members = new LinkedHashSet<>();

        IndexShard(String key, long expiry) {
            this.key = key;
            this.expiry = expiry;
        }

        Call call() {
            Group group = new Group(null, null, expiry);
            for (String member : members) {
                group.op("s", key, false, member);
            }
            return group.call();
        }
    }

    /** One (day, uuid shard) of per-type event counts: one {@link Script#COUNT} call for the whole batch. */
    private final class CountShard {
        final LocalDate day;
        final int shard;
        final int index;
        final List<String> uuids = new ArrayList<>();
        final List<String> types = new ArrayList<>();

        CountShard(LocalDate day, int shard, int index) {
            this.day = day;
            this.shard = shard;
            this.index = index;
        }

        Call call() {
            String[] args = new String[1 + 2 * uuids.size()];
            args[0] = Long.toString(expiry(day));
            for (int i = 0; i < uuids.size(); i++) {
                args[1 + 2 * i] = uuids.get(i);
                args[2 + 2 * i] = types.get(i);
            }
            return new Call(Script.COUNT, ScriptOutputType.MULTI,
                    new String[] {keys.eventsSeen(day, shard), keys.eventCounts(day, shard)}, args);
        }
    }
}
