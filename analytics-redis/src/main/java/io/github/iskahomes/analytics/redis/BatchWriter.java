package io.github.iskahomes.analytics.redis;

import io.github.iskahomes.analytics.core.EntityKind;
import io.github.iskahomes.analytics.core.EntityRef;
import io.github.iskahomes.analytics.core.LeadRef;
import io.github.iskahomes.analytics.core.internal.Mutation;
import io.github.iskahomes.analytics.core.internal.MutationPlan;
import io.github.iskahomes.analytics.redis.internal.RedisForms;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns mutation plans into script calls and runs them as one pipeline. Each event gives one {@link Script#APPLY}
 * call per entity it touches (listing, lister, development; a lead's keys share its listing's slot), each deduplicated
 * by the event uuid inside that slot. Per batch it adds one {@link Script#COUNT} call per (day, uuid shard) for the
 * per-type event counts, and one idempotent {@link Script#APPLY} call per index shard touched. On a standalone Redis
 * all of a batch's calls then go as one {@link Script#MANY} call. Stateless apart from the store; thread-safe.
 */
final class BatchWriter {
    private static final Logger log = LoggerFactory.getLogger(BatchWriter.class);

    private final RedisStore store;
    private final Keys keys;
    private final IngestorConfig config;
    private final String leadActionCap;
    private final ScriptCalls calls;
    /**
     * Whether a batch goes as one {@link Script#MANY} call: on a standalone Redis any keys may share a call, and
     * per-call overhead dominates Redis's time. A Cluster needs one call per hash slot.
     */
    private final boolean oneCall;

    BatchWriter(RedisStore store, Keys keys, IngestorConfig config, ScriptCalls calls) {
        this.store = store;
        this.calls = calls;
        this.oneCall = !store.isCluster() && calls.batchAsOneCall();
        this.keys = keys;
        this.config = config;
        this.leadActionCap = Integer.toString(config.leadActionCap());
    }

    /** One queued script call. */
    static final class Call {
        final Script script;
        final ScriptOutputType type;
        final String[] keys;
        final String[] args;
        Future<Object> future;
        /** How many 0/1 answers its reply has. */
        final int parts;
        Object result;

        Call(Script script, ScriptOutputType type, String[] keys, String[] args, int parts) {
            this.script = script;
            this.type = type;
            this.keys = keys;
            this.args = args;
            this.parts = parts;
        }

        /** Whether the script applied its {@code segment}-th part (its reply is one 0 or 1 per part). */
        boolean applied(int segment) {
            return result instanceof List<?> list && Long.valueOf(1).equals(list.get(segment));
        }
    }

    /** What the batch did to each event: whether any of its calls applied something. */
    boolean[] write(List<MutationPlan> plans) {
        Map<String, IndexShard> indexes = new LinkedHashMap<>();
        Map<String, CountShard> counts = new LinkedHashMap<>();
        Map<GroupKey, Group> groups = new HashMap<>(plans.size() * 4);
        Map<LocalDate, DayText> days = new HashMap<>(4);
        // For each event, where its results will be: (group, segment) pairs and (count shard, position).
        int[][] segmentsOf = new int[plans.size()][];
        List<Group> groupList = new ArrayList<>();
        int[][] countSlot = new int[plans.size()][];
        int[] touched = new int[8];
        for (int e = 0; e < plans.size(); e++) {
            MutationPlan plan = plans.get(e);
            DayText day = days.computeIfAbsent(plan.day(), this::dayText);
            int touchedCount = 0;
            for (Mutation mutation : plan.mutations()) {
                Group group = null;
                if (mutation instanceof Mutation.Increment m) {
                    group = segment(groups, groupList, m.entity(), plan, day, e);
                    group.metricOp("i", m.metric(), by(m.by()));
                } else if (mutation instanceof Mutation.UniqueAdd m) {
                    group = segment(groups, groupList, m.entity(), plan, day, e);
                    group.metricOp("u", m.metric(), m.member());
                } else if (mutation instanceof Mutation.MetadataSet m) {
                    group = segment(groups, groupList, m.entity(), plan, day, e);
                    group.metricOp("h", Keys.META, m.field(), m.value());
                } else if (mutation instanceof Mutation.IndexAdd m) {
                    index(indexes, RedisForms.keyName(m.entity().kind()), day, m.entity().id());
                } else if (mutation instanceof Mutation.LeadActionAppend m) {
                    LeadRef lead = m.lead();
                    group = segment(groups, groupList, EntityRef.listing(lead.listingId()), plan, day, e);
                    group.spanOp("l", keys.leadActions(lead), RedisForms.encodeLeadAction(m.action()), null);
                    group.dayOp("i", keys.leadDayActions(lead, day.text), "1");
                    index(indexes, Keys.LEAD_KIND, day, Keys.leadMember(lead));
                } else if (mutation instanceof Mutation.LeadMetadataSet m) {
                    group = segment(groups, groupList, EntityRef.listing(m.lead().listingId()), plan, day, e);
                    group.spanOp("h", keys.leadMetadata(m.lead()), m.field(), m.value());
                } else if (mutation instanceof Mutation.EventCounted m) {
                    int shard = keys.shardOf(plan.uuid());
                    String key = keys.eventCounts(day.text, shard);
                    CountShard count = counts.get(key);
                    if (count == null) {
                        count = new CountShard(key, day, shard, counts.size());
                        counts.put(key, count);
                    }
                    countSlot[e] = new int[] {count.index, count.uuids.size()};
                    count.uuids.add(plan.uuid());
                    count.types.add(m.type().wireName());
                } else {
                    throw new IllegalStateException("no Redis mapping for " + mutation);
                }
                if (group != null && group.openedBy(e, touched, touchedCount)) {
                    if (touchedCount == touched.length) {
                        touched = java.util.Arrays.copyOf(touched, touchedCount * 2);
                    }
                    touched[touchedCount++] = group.index;
                }
            }
            int[] own = new int[touchedCount * 2];
            for (int t = 0; t < touchedCount; t++) {
                Group group = groupList.get(touched[t]);
                own[2 * t] = group.index;
                own[2 * t + 1] = group.segmentCount() - 1;
            }
            segmentsOf[e] = own;
        }
        List<Call> batch = new ArrayList<>(indexes.size() + groupList.size() + counts.size());
        // Index entries first: they are idempotent, and an entity is then never left with data nobody can find.
        for (IndexShard index : indexes.values()) {
            batch.add(index.call());
        }
        List<Call> groupCalls = new ArrayList<>(groupList.size());
        for (Group group : groupList) {
            Call call = group.call();
            groupCalls.add(call);
            batch.add(call);
        }
        List<Call> countCalls = new ArrayList<>(counts.size());
        for (CountShard count : counts.values()) {
            Call call = count.call();
            countCalls.add(call);
            batch.add(call);
        }
        if (oneCall && batch.size() > 1) {
            Call many = many(batch);
            execute(List.of(many));
            split(many, batch);
        } else {
            execute(batch);
        }

        boolean[] applied = new boolean[plans.size()];
        for (int e = 0; e < plans.size(); e++) {
            int[] own = segmentsOf[e];
            for (int t = 0; t < own.length; t += 2) {
                applied[e] |= groupCalls.get(own[t]).applied(own[t + 1]);
            }
            if (countSlot[e] != null) {
                applied[e] |= countCalls.get(countSlot[e][0]).applied(countSlot[e][1]);
            }
        }
        return applied;
    }

    /** The calls as one {@link Script#MANY} call (on a standalone Redis only: their keys may be in any slots). */
    private static Call many(List<Call> calls) {
        int keyCount = 0;
        int argCount = 0;
        int parts = 0;
        for (Call call : calls) {
            keyCount += call.keys.length;
            argCount += 3 + call.args.length;
            parts += call.parts;
        }
        String[] keyArray = new String[keyCount];
        String[] args = new String[argCount];
        int k = 0;
        int a = 0;
        for (Call call : calls) {
            System.arraycopy(call.keys, 0, keyArray, k, call.keys.length);
            k += call.keys.length;
            args[a++] = call.script == Script.COUNT ? "c" : "a";
            args[a++] = position(call.keys.length);
            args[a++] = position(call.args.length);
            System.arraycopy(call.args, 0, args, a, call.args.length);
            a += call.args.length;
        }
        return new Call(Script.MANY, ScriptOutputType.MULTI, keyArray, args, parts);
    }

    /** Hands each call its share of the {@link Script#MANY} reply. */
    private static void split(Call many, List<Call> calls) {
        if (!(many.result instanceof List<?> list) || list.size() != many.parts) {
            throw new IllegalStateException("the batch script answered " + many.result + " for " + many.parts
                    + " parts");
        }
        int from = 0;
        for (Call call : calls) {
            call.result = list.subList(from, from + call.parts);
            from += call.parts;
        }
    }

    private static String by(long by) {
        return by == 1 ? "1" : Long.toString(by);
    }

    private void execute(List<Call> batch) {
        List<Call> reload = run(batch, false);
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

    /**
     * The timestamp each uuid of an event sent without one keeps on every try: the one its first try was given.
     * {@code firstTries} holds the timestamp this try would give (the arrival time, or a UUIDv7's time); for each uuid
     * a {@code SET NX EXAT} stores it unless an earlier try stored one, and a {@code GET} reads what is stored. Both
     * go in one pipelined round trip; each uuid is one key, so this works the same on a Cluster. A uuid is pinned
     * before any of its mutations is sent, so a try cut off by a failure has always pinned its timestamp first, and a
     * try whose pinning failed sent nothing. The key expires with the day it pins, like the dedupe markers it points
     * the retry to.
     */
    Map<String, Instant> pinTimestamps(Map<String, Instant> firstTries) {
        var async = store.async();
        List<RedisFuture<String>> sets = new ArrayList<>(firstTries.size());
        List<RedisFuture<String>> gets = new ArrayList<>(firstTries.size());
        for (Map.Entry<String, Instant> entry : firstTries.entrySet()) {
            String key = keys.uuidTimestamp(entry.getKey());
            Instant at = entry.getValue();
            sets.add(async.set(key, Long.toString(at.toEpochMilli()),
                    SetArgs.Builder.nx().exAt(expiry(config.calendar().dayOf(at)))));
            gets.add(async.get(key));
        }
        store.flush();
        long deadline = store.deadline();
        Map<String, Instant> pinned = new HashMap<>(firstTries.size() * 2);
        int i = 0;
        for (Map.Entry<String, Instant> entry : firstTries.entrySet()) {
            store.await(sets.get(i), deadline);
            String stored = store.await(gets.get(i++), deadline);
            // null only if the key expired between the two commands: the day it pinned is gone, this try starts anew.
            pinned.put(entry.getKey(), stored == null ? entry.getValue() : Instant.ofEpochMilli(Long.parseLong(stored)));
        }
        return pinned;
    }

    /** SCRIPT LOAD of every script (on every master of a Cluster), so that EVALSHA finds them. */
    void loadScripts() {
        List<RedisFuture<String>> loads = new ArrayList<>();
        for (Script script : new Script[] {Script.APPLY, Script.COUNT, Script.MANY}) {
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
    private List<Call> run(List<Call> batch, boolean load) {
        Function<Call, Future<Object>> redis = call -> store.script(call.script, load, call.type, call.keys, call.args);
        for (Call call : batch) {
            call.future = calls.send(call, redis);
        }
        store.flush();
        long deadline = store.deadline();
        List<Call> noScript = new ArrayList<>();
        for (Call call : batch) {
            try {
                call.result = store.await(call.future, deadline);
            } catch (RedisStore.NoScript e) {
                noScript.add(call);
            }
        }
        return noScript;
    }

    /** An entity-day of the batch. */
    private record GroupKey(EntityKind kind, String id, LocalDate day) { }

    /** A day's key text and expiry, computed once per batch instead of once per key. */
    private record DayText(LocalDate day, String text, String expiry) { }

    private DayText dayText(LocalDate day) {
        return new DayText(day, Keys.day(day), Long.toString(expiry(day)));
    }

    /** The group of an entity-day, with a segment open for the event {@code e}. */
    private Group segment(Map<GroupKey, Group> groups, List<Group> groupList, EntityRef entity, MutationPlan plan,
                          DayText day, int e) {
        GroupKey id = new GroupKey(entity.kind(), entity.id(), plan.day());
        Group group = groups.get(id);
        if (group == null) {
            String base = keys.entityDayPrefix(entity, day.text);
            group = new Group(base, base + Keys.SEEN, day.expiry, groupList.size());
            groups.put(id, group);
            groupList.add(group);
        }
        if (group.lastEvent != e) {
            group.lastEvent = e;
            group.begin(plan.uuid());
        }
        return group;
    }

    private void index(Map<String, IndexShard> indexes, String kind, DayText day, String member) {
        String key = keys.index(kind, day.text, keys.shardOf(member));
        IndexShard shard = indexes.get(key);
        if (shard == null) {
            shard = new IndexShard(key, day.expiry);
            indexes.put(key, shard);
        }
        shard.members.add(member);
    }

    private long expiry(LocalDate day) {
        return Keys.expiryOf(config.calendar(), day, config.retention()).getEpochSecond();
    }

    /** KEYS positions as ARGV text, shared: a call rarely has more than a dozen keys. */
    private static final String[] POSITIONS = new String[64];

    static {
        for (int i = 0; i < POSITIONS.length; i++) {
            POSITIONS[i] = Integer.toString(i);
        }
    }

    private static String position(int p) {
        return p < POSITIONS.length ? POSITIONS[p] : Integer.toString(p);
    }

    /**
     * The mutations of a batch's events on one entity-day: one {@link Script#APPLY} call with one segment per event.
     */
    private final class Group {
        private final String base;
        /** Day keys in KEYS order, and their index there (0-based) by entity-day suffix or, for others, by key. */
        private final List<String> dayKeys = new ArrayList<>(8);
        private final Map<String, Integer> daySlots = new HashMap<>(16);
        private final List<String> spanKeys = new ArrayList<>(2);
        private final Map<String, Integer> spanSlots = new HashMap<>(4);
        /** Per segment: its uuid and op count; ops: code, slot (negative: span key -1-i), values (second may be null). */
        private final List<String> segmentUuids = new ArrayList<>(4);
        private final List<int[]> segmentOps = new ArrayList<>(4);
        private final List<Object> ops = new ArrayList<>(32);
        private int argCount = 3;
        /** Where the current segment's ops start in {@link #ops}. */
        private int lastSegmentOps;
        private final String expiry;
        final int index;
        int lastEvent = -1;

        Group(String base, String dedupeKey, String expiry, int index) {
            this.base = base;
            this.expiry = expiry;
            this.index = index;
            if (dedupeKey != null) {
                dayKeys.add(dedupeKey);
                daySlots.put(Keys.SEEN, 0);
            }
        }

        int segmentCount() {
            return segmentUuids.size();
        }

        /** Whether this group is not yet among the event's groups in {@code touched} (a handful: a scan will do). */
        boolean openedBy(int e, int[] touched, int count) {
            for (int t = 0; t < count; t++) {
                if (touched[t] == index) {
                    return false;
                }
            }
            return true;
        }

        /** Opens a segment for one event; {@code null} uuid means no uuid check (idempotent ops only). */
        void begin(String uuid) {
            lastSegmentOps = ops.size();
            segmentUuids.add(uuid == null ? "" : uuid);
            segmentOps.add(new int[1]);
            argCount += 2;
        }

        /** An op on this entity-day's key {@code <base><suffix>}. */
        void metricOp(String code, String suffix, String value) {
            metricOp(code, suffix, value, null);
        }

        void metricOp(String code, String suffix, String value, String value2) {
            Integer slot = daySlots.get(suffix);
            if (slot == null) {
                slot = dayKeys.size();
                dayKeys.add(base + suffix);
                daySlots.put(suffix, slot);
            }
            add(code, slot, value, value2);
        }

        /** An op on another key of the day (in the same slot), by its full name. */
        void dayOp(String code, String key, String value) {
            String id = '\0' + key; // cannot collide with an entity-day suffix
            Integer slot = daySlots.get(id);
            if (slot == null) {
                slot = dayKeys.size();
                dayKeys.add(key);
                daySlots.put(id, slot);
            }
            add(code, slot, value, null);
        }

        void spanOp(String code, String key, String value, String value2) {
            Integer slot = spanSlots.get(key);
            if (slot == null) {
                slot = spanKeys.size();
                spanKeys.add(key);
                spanSlots.put(key, slot);
            }
            add(code, -1 - slot, value, value2);
        }

        private void add(String code, int slot, Object value, String value2) {
            int last = ops.size() - 4;
            // Fields of one hash set by one event go as one HSET: a command less in the script per extra field.
            if ("h".equals(code) && last >= lastSegmentOps && ops.get(last + 1).equals(slot)
                    && ("h".equals(ops.get(last)) || ("H".equals(ops.get(last))
                    && ((List<?>) ops.get(last + 2)).size() < Script.MAX_UNPACK))) {
                if ("h".equals(ops.get(last))) {
                    List<String> pairs = new ArrayList<>(4);
                    pairs.add((String) ops.get(last + 2));
                    pairs.add((String) ops.get(last + 3));
                    ops.set(last, "H");
                    ops.set(last + 2, pairs);
                    ops.set(last + 3, null);
                    argCount += 1; // h key field value (4) becomes H key count field value (5)
                }
                @SuppressWarnings("unchecked")
                List<String> pairs = (List<String>) ops.get(last + 2);
                pairs.add((String) value);
                pairs.add(value2);
                argCount += 2;
                return;
            }
            ops.add(code);
            ops.add(slot);
            ops.add(value);
            ops.add(value2);
            segmentOps.get(segmentOps.size() - 1)[0]++;
            argCount += value2 == null ? 3 : 4;
        }

        Call call() {
            String[] keyArray = new String[dayKeys.size() + spanKeys.size()];
            for (int k = 0; k < dayKeys.size(); k++) {
                keyArray[k] = dayKeys.get(k);
            }
            for (int k = 0; k < spanKeys.size(); k++) {
                keyArray[dayKeys.size() + k] = spanKeys.get(k);
            }
            String[] args = new String[argCount];
            int a = 0;
            args[a++] = expiry;
            args[a++] = position(dayKeys.size());
            args[a++] = leadActionCap;
            int o = 0;
            for (int s = 0; s < segmentUuids.size(); s++) {
                int count = segmentOps.get(s)[0];
                args[a++] = segmentUuids.get(s);
                args[a++] = position(count);
                for (int c = 0; c < count; c++, o += 4) {
                    String code = (String) ops.get(o);
                    args[a++] = code;
                    int slot = (Integer) ops.get(o + 1);
                    args[a++] = position(slot >= 0 ? slot + 1 : dayKeys.size() - slot);
                    if ("H".equals(code)) {
                        List<?> pairs = (List<?>) ops.get(o + 2);
                        args[a++] = position(pairs.size() / 2);
                        for (Object pair : pairs) {
                            args[a++] = (String) pair;
                        }
                        continue;
                    }
                    args[a++] = (String) ops.get(o + 2);
                    String value2 = (String) ops.get(o + 3);
                    if (value2 != null) {
                        args[a++] = value2;
                    }
                }
            }
            return new Call(Script.APPLY, ScriptOutputType.MULTI, keyArray, args, segmentUuids.size());
        }
    }

    /** One index shard's new members for the batch: an idempotent SADD, so no uuid check. */
    private final class IndexShard {
        final String key;
        final String expiry;
        final LinkedHashSet<String> members = new LinkedHashSet<>();

        IndexShard(String key, String expiry) {
            this.key = key;
            this.expiry = expiry;
        }

        /** One segment without uuid of SADDs of up to {@link Script#MAX_UNPACK} members each: a command per chunk. */
        Call call() {
            int chunks = (members.size() + Script.MAX_UNPACK - 1) / Script.MAX_UNPACK;
            String[] args = new String[5 + 3 * chunks + members.size()];
            int a = 0;
            args[a++] = expiry;
            args[a++] = "1";
            args[a++] = leadActionCap;
            args[a++] = "";
            args[a++] = position(chunks);
            int left = members.size();
            int inChunk = 0;
            for (String member : members) {
                if (inChunk == 0) {
                    inChunk = Math.min(left, Script.MAX_UNPACK);
                    args[a++] = "S";
                    args[a++] = "1";
                    args[a++] = position(inChunk);
                }
                args[a++] = member;
                inChunk--;
                left--;
            }
            return new Call(Script.APPLY, ScriptOutputType.MULTI, new String[] {key}, args, 1);
        }
    }

    /** One (day, uuid shard) of per-type event counts: one {@link Script#COUNT} call for the whole batch. */
    private final class CountShard {
        final String key;
        final DayText day;
        final int shard;
        final int index;
        final List<String> uuids = new ArrayList<>();
        final List<String> types = new ArrayList<>();

        CountShard(String key, DayText day, int shard, int index) {
            this.key = key;
            this.day = day;
            this.shard = shard;
            this.index = index;
        }

        Call call() {
            String[] args = new String[1 + 2 * uuids.size()];
            args[0] = day.expiry;
            for (int i = 0; i < uuids.size(); i++) {
                args[1 + 2 * i] = uuids.get(i);
                args[2 + 2 * i] = types.get(i);
            }
            return new Call(Script.COUNT, ScriptOutputType.MULTI,
                    new String[] {keys.eventsSeen(day.text, shard), key}, args, uuids.size());
        }
    }
}
