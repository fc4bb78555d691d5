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
import java.util.HashMap;
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

        /** Whether the script applied its {@code segment}-th part (its reply is one 0 or 1 per part). */
        boolean applied(int segment) {
            return result instanceof List<?> list && Long.valueOf(1).equals(list.get(segment));
        }
    }

    /** What the batch did to each event: whether any of its calls applied something. */
    boolean[] write(List<MutationPlan> plans, int callLimit) {
        Map<String, IndexShard> indexes = new LinkedHashMap<>();
        Map<String, CountShard> counts = new LinkedHashMap<>();
        Map<String, Group> groups = new LinkedHashMap<>();
        // For each event, where its results will be: (group, segment) pairs and (count shard, position).
        List<List<int[]>> segmentsOf = new ArrayList<>(plans.size());
        List<Group> groupList = new ArrayList<>();
        int[][] countSlot = new int[plans.size()][];
        for (int e = 0; e < plans.size(); e++) {
            MutationPlan plan = plans.get(e);
            Map<Group, Integer> touched = new LinkedHashMap<>();
            for (Mutation mutation : plan.mutations()) {
                if (mutation instanceof Mutation.Increment m) {
                    segment(groups, groupList, touched, m.entity(), plan)
                            .op("i", keys.entityDay(m.entity(), plan.day(), m.metric()), false, Long.toString(m.by()));
                } else if (mutation instanceof Mutation.UniqueAdd m) {
                    segment(groups, groupList, touched, m.entity(), plan)
                            .op("u", keys.entityDay(m.entity(), plan.day(), m.metric()), false, m.member());
                } else if (mutation instanceof Mutation.MetadataSet m) {
                    segment(groups, groupList, touched, m.entity(), plan)
                            .op("h", keys.entityDay(m.entity(), plan.day(), Keys.META), false, m.field(), m.value());
                } else if (mutation instanceof Mutation.IndexAdd m) {
                    index(indexes, m.entity().kind().keyName(), plan.day(), m.entity().id());
                } else if (mutation instanceof Mutation.LeadActionAppend m) {
                    LeadRef lead = m.lead();
                    Group group = segment(groups, groupList, touched, EntityRef.listing(lead.listingId()), plan);
                    group.op("l", keys.leadActions(lead), true, EventJson.encodeLeadAction(m.action()));
                    group.op("i", keys.leadDayActions(lead, plan.day()), false, "1");
                    index(indexes, Keys.LEAD_KIND, plan.day(), lead.indexMember());
                } else if (mutation instanceof Mutation.LeadMetadataSet m) {
                    segment(groups, groupList, touched, EntityRef.listing(m.lead().listingId()), plan)
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
            List<int[]> own = new ArrayList<>(touched.size());
            touched.forEach((group, segment) -> own.add(new int[] {group.index, segment}));
            segmentsOf.add(own);
        }
        List<Call> calls = new ArrayList<>(indexes.size() + groupList.size() + counts.size());
        // Index entries first: they are idempotent, and an entity is then never left with data nobody can find.
        for (IndexShard index : indexes.values()) {
            calls.add(index.call());
        }
        List<Call> groupCalls = new ArrayList<>(groupList.size());
        for (Group group : groupList) {
            Call call = group.call();
            groupCalls.add(call);
            calls.add(call);
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
            for (int[] at : segmentsOf.get(e)) {
                applied[e] |= groupCalls.get(at[0]).applied(at[1]);
            }
            if (countSlot[e] != null) {
                applied[e] |= countCalls.get(countSlot[e][0]).applied(countSlot[e][1]);
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
            loadScripts();
            List<Call> stillUnknown = run(reload, false);
            // A node that still lacks them (a failover in between): EVAL carries the script itself.
            if (!stillUnknown.isEmpty() && !run(stillUnknown, true).isEmpty()) {
                throw new IllegalStateException("EVAL answered NOSCRIPT");
            }
        }
    }

    /** SCRIPT LOAD of every script (on every master of a Cluster), so that EVALSHA finds them. */
    void loadScripts() {
        List<RedisFuture<String>> loads = new ArrayList<>();
        for (Script script : new Script[] {Script.APPLY, Script.COUNT}) {
            // The byte[] form is the one Lettuce's Cluster API sends to every master.
            loads.add(store.async().scriptLoad(script.body().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        store.flush();
        long deadline = store.deadline();
        for (RedisFuture<String> load : loads) {
            store.await(load, deadline);
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

    /** The group of an entity-day, with a segment open for {@code plan}'s event. */
    private Group segment(Map<String, Group> groups, List<Group> groupList, Map<Group, Integer> touched,
                          EntityRef entity, MutationPlan plan) {
        String id = entity.kind().keyName() + ' ' + entity.id() + ' ' + plan.day();
        Group group = groups.get(id);
        if (group == null) {
            group = new Group(keys.entityDay(entity, plan.day(), Keys.SEEN), expiry(plan.day()), groupList.size());
            groups.put(id, group);
            groupList.add(group);
        }
        if (!touched.containsKey(group)) {
            touched.put(group, group.begin(plan.uuid()));
        }
        return group;
    }

    private void index(Map<String, IndexShard> indexes, String kind, LocalDate day, String member) {
        String key = keys.index(kind, day, keys.shardOf(member));
        indexes.computeIfAbsent(key, k -> new IndexShard(k, expiry(day))).members.add(member);
    }

    private long expiry(LocalDate day) {
        return config.calendar().expiryOf(day, config.retention()).getEpochSecond();
    }

    /**
     * The mutations of a batch's events on one entity-day: one {@link Script#APPLY} call with one segment per event.
     */
    private final class Group {
        private final Map<String, Boolean> dayKeys = new LinkedHashMap<>();
        private final Map<String, Boolean> spanKeys = new LinkedHashMap<>();
        /** Per segment: its uuid, then its ops (each op: code, key, values…). */
        private final List<String> segmentUuids = new ArrayList<>();
        private final List<List<String[]>> segments = new ArrayList<>();
        private final long expiry;
        final int index;

        Group(String dedupeKey, long expiry, int index) {
            this.expiry = expiry;
            this.index = index;
            if (dedupeKey != null) {
                dayKeys.put(dedupeKey, Boolean.TRUE);
            }
        }

        /** Opens a segment for one event; {@code null} uuid means no uuid check (idempotent ops only). */
        int begin(String uuid) {
            segmentUuids.add(uuid == null ? "" : uuid);
            segments.add(new ArrayList<>(8));
            return segments.size() - 1;
        }

        void op(String code, String key, boolean spansDays, String... values) {
            if (spansDays) {
                spanKeys.put(key, Boolean.TRUE);
            } else {
                dayKeys.putIfAbsent(key, Boolean.TRUE);
            }
            String[] op = new String[2 + values.length];
            op[0] = code;
            op[1] = key;
            System.arraycopy(values, 0, op, 2, values.length);
            segments.get(segments.size() - 1).add(op);
        }

        Call call() {
            Map<String, String> position = new HashMap<>();
            List<String> keyList = new ArrayList<>(dayKeys.size() + spanKeys.size());
            for (String key : dayKeys.keySet()) {
                keyList.add(key);
                position.put(key, Integer.toString(keyList.size()));
            }
            for (String key : spanKeys.keySet()) {
                keyList.add(key);
                position.put(key, Integer.toString(keyList.size()));
            }
            List<String> args = new ArrayList<>(3 + segments.size() * 20);
            args.add(Long.toString(expiry));
            args.add(Integer.toString(dayKeys.size()));
            args.add(Integer.toString(config.leadActionCap()));
            for (int s = 0; s < segments.size(); s++) {
                List<String[]> ops = segments.get(s);
                args.add(segmentUuids.get(s));
                args.add(Integer.toString(ops.size()));
                for (String[] op : ops) {
                    args.add(op[0]);
                    args.add(position.get(op[1]));
                    for (int i = 2; i < op.length; i++) {
                        args.add(op[i]);
                    }
                }
            }
            return new Call(Script.APPLY, ScriptOutputType.MULTI, keyList.toArray(String[]::new),
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
            Group group = new Group(null, expiry, -1);
            group.begin(null);
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
