package io.github.iskahomes.analytics.redis;

import io.github.iskahomes.analytics.core.AnalyticsException;
import io.github.iskahomes.analytics.core.EntityKind;
import io.github.iskahomes.analytics.core.EntityRef;
import io.github.iskahomes.analytics.core.EventType;
import io.github.iskahomes.analytics.core.LeadAction;
import io.github.iskahomes.analytics.core.LeadRef;
import io.github.iskahomes.analytics.core.MalformedPayloadException;
import io.github.iskahomes.analytics.redis.internal.RedisForms;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ValueScanCursor;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read side of the Redis state, for the aggregator. Finds a day's active entities and leads through the day's
 * index sets (never {@code KEYS} or {@code SCAN} over the keyspace) and reads them in pipelined chunks, so memory is
 * bounded by the chunk size, not by how many entities exist. Thread-safe.
 *
 * <p>Obtain it from {@link Ingestor#reader()} (shares the ingestor's connection; {@link #close()} does nothing), or
 * build one with {@code create}/{@code connect} (then close it). Every method throws
 * {@link io.github.iskahomes.analytics.core.StoreUnavailableException} naming the server when Redis is unavailable
 * or slower than {@link IngestorConfig#commandTimeout()}.
 */
public final class AnalyticsReader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AnalyticsReader.class);
    private static final StringCodec CODEC = StringCodec.UTF8;
    /** How long the temporary keys of {@link #unionCount} live if the final DEL never arrives. */
    private static final long TEMPORARY_MILLIS = 60_000;

    private final RedisStore store;
    private final Keys keys;
    private final IngestorConfig config;
    private final boolean owns;
    private final BulkReads reads;

    AnalyticsReader(RedisStore store, Keys keys, IngestorConfig config, boolean owns) {
        this.store = store;
        this.keys = keys;
        this.config = config;
        this.owns = owns;
        this.reads = new BulkReads(store);
    }

    /** A reader on a standalone Redis through the host's client (left open on {@link #close()}). */
    public static AnalyticsReader create(RedisClient client, RedisURI uri, IngestorConfig config) {
        return of(RedisStore.standalone(client, uri, config.commandTimeout(), new ArrayList<>()), config);
    }

    /** A reader on a Redis Cluster through the host's client (left open on {@link #close()}). */
    public static AnalyticsReader create(RedisClusterClient client, IngestorConfig config) {
        return of(RedisStore.cluster(client, config.commandTimeout(), new ArrayList<>()), config);
    }

    /** A reader with a client of its own, as {@link Ingestor#connect(String, IngestorConfig)}. */
    public static AnalyticsReader connect(String uri, IngestorConfig config) {
        return of(RedisStore.open(uri, config.commandTimeout()), config);
    }

    private static AnalyticsReader of(RedisStore store, IngestorConfig config) {
        return new AnalyticsReader(store, new Keys(config.keyPrefix(), config.indexShards()), config, true);
    }

    /** The days whose keys are still alive now, oldest first. */
    public List<LocalDate> retainedDays() {
        return Keys.retainedDays(config.calendar(), Instant.now(), config.retention());
    }

    /** Whether Redis still holds any accepted event of the day. */
    public boolean hasData(LocalDate day) {
        List<String> eventCounts = new ArrayList<>(keys.shards());
        for (int shard = 0; shard < keys.shards(); shard++) {
            eventCounts.add(keys.eventCounts(day, shard));
        }
        return !existing(eventCounts).isEmpty();
    }

    /**
     * Starts watching a day that is about to be read: notes which of the day's day-wide keys (its index shards of
     * every kind and its event-count shards) exist now. Empty when none does (the day expired or never had data).
     * After reading the day, {@link #intact(DayWatch)} tells whether that reading was complete.
     */
    public Optional<DayWatch> watch(LocalDate day) {
        Objects.requireNonNull(day, "day");
        List<String> candidates = new ArrayList<>();
        for (int shard = 0; shard < keys.shards(); shard++) {
            candidates.add(keys.eventCounts(day, shard));
            for (EntityKind kind : EntityKind.values()) {
                candidates.add(keys.index(kind, day, shard));
            }
            candidates.add(keys.index(Keys.LEAD_KIND, day, shard));
        }
        List<String> present = existing(candidates);
        return present.isEmpty() ? Optional.empty() : Optional.of(new DayWatch(day, present));
    }

    /**
     * Whether every key {@link #watch(LocalDate)} saw still exists. Every key of a day expires at the same instant
     * (lead keys that span days only ever later), and Redis never returns a key past its expiry, so a watched key
     * that still exists after the reading proves that no key of the day had expired when it was read: the reading
     * was complete. False when the day expired, wholly or in part (an index shard gone mid-scan included), during
     * the reading; the caller must then discard what it read. On a Cluster the watched keys spread over the nodes,
     * so each node's own clock is checked.
     */
    public boolean intact(DayWatch watch) {
        Objects.requireNonNull(watch, "watch");
        return existing(watch.keys).size() == watch.keys.size();
    }

    private List<String> existing(List<String> candidates) {
        List<RedisFuture<Long>> exists = new ArrayList<>(candidates.size());
        for (String key : candidates) {
            exists.add(store.async().exists(key));
        }
        store.flush();
        long deadline = store.deadline();
        List<String> present = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            if (store.await(exists.get(i), deadline) > 0) {
                present.add(candidates.get(i));
            }
        }
        return present;
    }

    /**
     * The day-wide keys of a day that existed when its reading began, from {@link #watch(LocalDate)}; checked by
     * {@link #intact(DayWatch)} once the reading is done. Immutable.
     */
    public static final class DayWatch {
        private final LocalDate day;
        private final List<String> keys;

        private DayWatch(LocalDate day, List<String> keys) {
            this.day = day;
            this.keys = List.copyOf(keys);
        }

        /** The day watched. */
        public LocalDate day() {
            return day;
        }

        @Override
        public String toString() {
            return "DayWatch[" + day + ", " + keys.size() + " keys]";
        }
    }

    /**
     * Streams every entity of {@code kind} active on {@code day}, in chunks of at most {@code chunkSize}, each with
     * all its counters, unique counts, raw sketches and metadata. An id appears once per chunk; in the rare case
     * Redis rehashes an index set while it is read, an id may appear in two chunks (with the same values). A chunk
     * is read by one script call per {@value BulkReads#MAX_PER_CALL} entity-days (per hash slot on a Cluster);
     * unique counts are what {@code PFCOUNT} answers, computed here from the sketch bytes. The reading never writes.
     */
    public void forEachEntity(EntityKind kind, LocalDate day, int chunkSize, Consumer<List<EntityDay>> chunk) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(chunk, "chunk");
        scanIndex(RedisForms.keyName(kind), day, chunkSize, ids -> chunk.accept(readEntities(kind, day, ids)));
    }

    /**
     * The day of each of {@code ids} as Redis holds it now, in the order given: counters (0 for none), unique counts,
     * sketches and metadata, read by the same script calls as the aggregator's chunks. An entity with no event that day comes back with
     * zeros. Dashboards read "today so far" with it while the aggregator has not yet written the day.
     */
    public List<EntityDay> entities(EntityKind kind, LocalDate day, List<String> ids) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(day, "day");
        return ids.isEmpty() ? List.of() : readEntities(kind, day, List.copyOf(ids));
    }

    /**
     * Per entity-day: HGETALL of its counters hash, then GET of each HyperLogLog of the entity-days whose companion
     * counter's fields say they have one. The counters hash also holds the entity-day's metadata, its inline unique
     * members and, on a Cluster, its dedupe markers: a field of uppercase letters is a combination of counters
     * ({@link Keys#counterField}), added to each of them; a field that is one of the kind's counters is a counter (a
     * day written before combinations); a field whose name starts with a lowercase ASCII letter is metadata, a field whose value is tags ({@link Keys#uniqueMember})
     * is an inline member, anything else (markers start with a digit, {@code -} or {@code ~}; the writer's
     * bookkeeping with {@code @}) is not the reader's. Unique counts are what PFCOUNT answers, counted from the
     * sketch of the key and the inline members here ({@link HyperLogLogs}).
     */
    private List<EntityDay> readEntities(EntityKind kind, LocalDate day, List<String> ids) {
        List<String> counters = kind.counters();
        List<String> uniques = kind.uniques();
        Map<String, Integer> counterIndex = indexOf(counters);
        byte[][] counterNames = counters.stream().map(name -> name.getBytes(StandardCharsets.UTF_8))
                .toArray(byte[][]::new);
        Map<String, Integer> uniqueIndex = indexOf(uniques);
        // The companion counters' letters (Keys.counterField): a field holding one of them and above the inline
        // members means the entity-day has a sketch key.
        int companionLetters = companionLetters(kind, counterIndex);
        // Every key of an entity-day is <head><id><tail>: the counters hash, then each HyperLogLog.
        String[] parts = around(keys.entityDayPrefix(new EntityRef(kind, PLACEHOLDER), Keys.day(day)), PLACEHOLDER);
        BulkReads.Shape hashes = new BulkReads.Shape(parts[0],
                new String[] {parts[1].substring(0, parts[1].length() - 1)}, "h");
        String[] sketchTails = new String[uniques.size()];
        for (int u = 0; u < uniques.size(); u++) {
            sketchTails[u] = parts[1] + uniques.get(u);
        }
        BulkReads.Shape sketchKeys = new BulkReads.Shape(parts[0], sketchTails, "g".repeat(uniques.size()));
        BulkReads.Names names = new BulkReads.Names();
        List<HashPart> read = reads.read(hashes, ids, (position, reply) -> {
            String id = ids.get(position);
            long[] values = new long[counters.size()];
            FieldMap<String> metadata = new FieldMap<>(4);
            Registers[] inline = null;
            boolean sketched = false;
            int fields = reply.length();
            for (int f = 0; f < fields; f += 2) {
                int index = reply.field(counterNames);
                if (index == BulkReads.Reply.COMBINATION) {
                    if (reply.combination(values, hashes.key(id, 0)) > Keys.INLINE_MEMBERS
                            && (reply.letters() & companionLetters) != 0) {
                        sketched = true;
                    }
                } else if (index >= 0) {
                    // A field named after its counter: a day written before combinations.
                    long value = reply.integer(hashes.key(id, 0));
                    values[index] += value;
                    if (value > NAMED_INLINE_MEMBERS && (companionLetters & 1 << index) != 0) {
                        sketched = true;
                    }
                } else if (index == BulkReads.Reply.METADATA) {
                    metadata.add(reply.name(names), reply.text());
                } else {
                    int tags = reply.memberTags();
                    if (tags != 0) {
                        if (inline == null) {
                            inline = new Registers[uniques.size()];
                        }
                        long register = reply.fieldRegister();
                        for (int u = 0; u < uniques.size(); u++) {
                            if ((tags & 1 << u) != 0) {
                                if (inline[u] == null) {
                                    inline[u] = new Registers();
                                }
                                inline[u].add(register);
                            }
                        }
                    }
                }
            }
            return new HashPart(values, metadata, inline, sketched);
        });
        // A unique metric has a HyperLogLog key only once a counter field holding its companion has passed the
        // inline members (the writer's rule): only those entity-days' sketches are read, in a second round trip.
        List<String> withSketches = new ArrayList<>();
        int[] sketchOf = new int[ids.size()];
        for (int i = 0; i < ids.size(); i++) {
            sketchOf[i] = -1;
            if (read.get(i).sketched) {
                sketchOf[i] = withSketches.size();
                withSketches.add(ids.get(i));
            }
        }
        List<byte[][]> sketchBytes = withSketches.isEmpty() ? List.of()
                : reads.read(sketchKeys, withSketches, (position, reply) -> {
                    byte[][] bytes = new byte[uniques.size()][];
                    for (int u = 0; u < bytes.length; u++) {
                        bytes[u] = reply.bytes();
                    }
                    return bytes;
                });
        int[] histogram = new int[HyperLogLogs.HISTOGRAM];
        List<EntityDay> days = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            HashPart part = read.get(i);
            byte[][] stored = sketchOf[i] < 0 ? null : sketchBytes.get(sketchOf[i]);
            long[] counts = new long[uniques.size()];
            FieldMap<byte[]> sketches = new FieldMap<>(uniques.size());
            for (int u = 0; u < uniques.size(); u++) {
                byte[] sketch = stored == null ? null : stored[u];
                Registers members = part.inline == null ? null : part.inline[u];
                if (sketch == null && members == null) {
                    continue;
                }
                try {
                    // The members kept inline, with the sketch's if the metric has one by now: the sketch PFADD
                    // of them all would have made.
                    if (members != null) {
                        sketch = HyperLogLogs.add(sketch, members.pairs, members.size);
                    }
                    counts[u] = HyperLogLogs.count(sketch, histogram);
                } catch (IllegalArgumentException e) {
                    throw new AnalyticsException(store.server() + " holds " + sketchKeys.key(id, u)
                            + ", which is " + e.getMessage(), e);
                }
                sketches.add(uniques.get(u), sketch);
            }
            days.add(new EntityDay(new EntityRef(kind, id), day,
                    new MetricValues(counters, counterIndex, part.values),
                    new MetricValues(uniques, uniqueIndex, counts), sketches, part.metadata));
        }
        return days;
    }

    /** The kind's companion counters ({@link WritePlanner#companion}) as a bit per counter index. */
    private static int companionLetters(EntityKind kind, Map<String, Integer> counterIndex) {
        int letters = 0;
        for (String unique : kind.uniques()) {
            letters |= 1 << counterIndex.get(WritePlanner.companion(kind, unique));
        }
        return letters;
    }

    /**
     * Before counters were combined into fields ({@link Keys#counterField}), each counter was a field of its own name
     * and a unique metric kept its first 8 members inline, up to its companion counter's 8.
     */
    private static final int NAMED_INLINE_MEMBERS = 8;

    /** What an entity-day's counters hash holds, before its sketches are read. */
    private record HashPart(long[] values, FieldMap<String> metadata, Registers[] inline, boolean sketched) {
    }

    /** A unique metric's inline members of an entity-day, as the registers they raise (HyperLogLogs.registerOf). */
    private static final class Registers {
        long[] pairs = new long[Keys.INLINE_MEMBERS];
        int size;

        void add(long pair) {
            if (size == pairs.length) {
                pairs = Arrays.copyOf(pairs, size * 2);
            }
            pairs[size++] = pair;
        }
    }

    /**
     * Stands for an id in a key built by {@link Keys}, to split the key into what comes before and after the id (ids
     * never hold control characters, so it cannot be part of a key's fixed text).
     */
    private static final String PLACEHOLDER = "\0";

    /** The text before and after the one {@code placeholder} in {@code key}. */
    private static String[] around(String key, String placeholder) {
        int at = key.indexOf(placeholder);
        if (at < 0 || key.indexOf(placeholder, at + 1) >= 0) {
            throw new IllegalStateException("a key of the schema holds its id not exactly once: " + key);
        }
        return new String[] {key.substring(0, at), key.substring(at + placeholder.length())};
    }

    /**
     * The estimated number of distinct members of one entity's unique metric over several days: the union of the
     * days' sketches ({@link #sketch}), counted here as {@code PFCOUNT} of several keys counts it. Reads only.
     */
    public long uniqueCount(EntityRef entity, String metric, Collection<LocalDate> days) {
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(metric, "metric");
        List<byte[]> sketches = new ArrayList<>();
        for (LocalDate day : new LinkedHashSet<>(days)) {
            byte[] sketch = sketch(entity, metric, day);
            if (sketch != null) {
                sketches.add(sketch);
            }
        }
        return sketches.size() == 1 ? HyperLogLogs.count(sketches.get(0)) : HyperLogLogs.countUnion(sketches);
    }

    /**
     * The sketch of an entity's unique metric on a day as Redis HyperLogLog bytes, or {@code null} when the day has
     * no member: the metric's HyperLogLog key and the members its counters hash keeps inline
     * ({@link Keys#INLINE_MEMBERS}), in one sketch.
     *
     * @throws IllegalArgumentException if {@code metric} is not a unique metric of the entity's kind
     */
    public byte[] sketch(EntityRef entity, String metric, LocalDate day) {
        Objects.requireNonNull(entity, "entity");
        if (!entity.kind().uniques().contains(metric)) {
            throw new IllegalArgumentException(metric + " is not a unique metric of " + entity.kind() + ", one of "
                    + entity.kind().uniques());
        }
        return entities(entity.kind(), day, List.of(entity.id())).get(0).sketches().get(metric);
    }

    /**
     * The estimated size of the union of raw sketches (as returned by {@link #sketch} or {@link EntityDay#sketches()}),
     * computed by Redis in short-lived keys of one slot, which are deleted afterwards. {@code null} entries are
     * ignored.
     *
     * @throws AnalyticsException if a sketch is not a Redis HyperLogLog
     */
    public long unionCount(Collection<byte[]> sketches) {
        List<byte[]> present = sketches.stream().filter(Objects::nonNull).toList();
        if (present.isEmpty()) {
            return 0;
        }
        String tag = UUID.randomUUID().toString();
        String[] temporary = new String[present.size()];
        List<RedisFuture<String>> sets = new ArrayList<>(present.size());
        for (int i = 0; i < present.size(); i++) {
            temporary[i] = keys.temporary(tag, i);
            CommandArgs<String, String> args = new CommandArgs<>(CODEC).addKey(temporary[i]).add(present.get(i))
                    .add("PX").add(TEMPORARY_MILLIS);
            sets.add(store.async().dispatch(CommandType.SET, new StatusOutput<>(CODEC), args));
        }
        RedisFuture<Long> count = store.async().pfcount(temporary);
        RedisFuture<Long> deleted = store.async().del(temporary);
        store.flush();
        long deadline = store.deadline();
        for (RedisFuture<String> set : sets) {
            store.await(set, deadline);
        }
        try {
            return store.await(count, deadline);
        } finally {
            store.await(deleted, deadline);
        }
    }

    /**
     * Streams every lead active on {@code day}, in chunks of at most {@code chunkSize}: its metadata, the actions still
     * in its capped list, and how many actions were appended on that day.
     */
    public void forEachLead(LocalDate day, int chunkSize, Consumer<List<LeadState>> chunk) {
        Objects.requireNonNull(chunk, "chunk");
        scanIndex(Keys.LEAD_KIND, day, chunkSize, members -> chunk.accept(readLeads(day, members)));
    }

    private static Map<String, Integer> indexOf(List<String> names) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            index.put(names.get(i), i);
        }
        return index;
    }

    /** Per lead: HGETALL of its metadata, LRANGE of its capped action list, GET of its count of actions that day. */
    private List<LeadState> readLeads(LocalDate day, List<String> members) {
        List<LeadRef> leads = members.stream().map(Keys::leadOfMember).toList();
        // Every key of a lead is <head><listing><between><seeker><tail>; the middle is listing, between, seeker.
        LeadRef template = new LeadRef(PLACEHOLDER, PLACEHOLDER + PLACEHOLDER);
        String[] metadataKey = around(keys.leadMetadata(template), PLACEHOLDER + PLACEHOLDER);
        String[] head = around(metadataKey[0], PLACEHOLDER);
        String between = head[1];
        String[] tails = {
            metadataKey[1],
            around(keys.leadActions(template), PLACEHOLDER + PLACEHOLDER)[1],
            around(keys.leadDayActions(template, day), PLACEHOLDER + PLACEHOLDER)[1]};
        BulkReads.Shape shape = new BulkReads.Shape(head[0], tails, "hlg");
        List<String> middles = new ArrayList<>(leads.size());
        for (LeadRef lead : leads) {
            middles.add(lead.listingId() + between + lead.seekerId());
        }
        BulkReads.Names names = new BulkReads.Names();
        return reads.read(shape, middles, (position, reply) -> {
            LeadRef lead = leads.get(position);
            int fields = reply.length();
            FieldMap<String> metadata = new FieldMap<>(Math.max(4, fields / 2));
            for (int f = 0; f < fields; f += 2) {
                reply.skip();
                metadata.add(reply.name(names), reply.text());
            }
            int stored = reply.length();
            List<LeadAction> decoded = new ArrayList<>(stored);
            for (int a = 0; a < stored; a++) {
                String json = reply.text();
                try {
                    decoded.add(RedisForms.decodeLeadAction(json));
                } catch (MalformedPayloadException e) {
                    log.warn("skipping an unreadable action of lead {}: {}", lead, e.getMessage());
                }
            }
            return new LeadState(lead, day, metadata, decoded, reply.integer(shape.key(middles.get(position), 2)));
        });
    }

    /**
     * How many events of each type were accepted on a day (types without events are left out). Fields of the count
     * hashes whose name starts with {@code @} are the writer's bookkeeping (its number of markers), not a type.
     */
    public Map<EventType, Long> eventCounts(LocalDate day) {
        List<RedisFuture<Map<String, String>>> shards = new ArrayList<>(keys.shards());
        for (int shard = 0; shard < keys.shards(); shard++) {
            shards.add(store.async().hgetall(keys.eventCounts(day, shard)));
        }
        store.flush();
        long deadline = store.deadline();
        Map<EventType, Long> counts = new EnumMap<>(EventType.class);
        for (RedisFuture<Map<String, String>> shard : shards) {
            store.await(shard, deadline).forEach((type, count) -> {
                if (type.startsWith("@")) {
                    return;
                }
                Optional<EventType> known = EventType.fromWireName(type);
                known.ifPresent(t -> counts.merge(t, Long.parseLong(count), Long::sum));
            });
        }
        return counts;
    }

    private void scanIndex(String kindName, LocalDate day, int chunkSize, Consumer<List<String>> chunk) {
        Objects.requireNonNull(day, "day");
        if (chunkSize <= 0) {
            throw new IllegalArgumentException("chunkSize must be positive, was " + chunkSize);
        }
        LinkedHashSet<String> buffer = new LinkedHashSet<>();
        ScanArgs limit = ScanArgs.Builder.limit(chunkSize);
        for (int shard = 0; shard < keys.shards(); shard++) {
            String key = keys.index(kindName, day, shard);
            RedisFuture<ValueScanCursor<String>> next = store.async().sscan(key, ScanCursor.INITIAL, limit);
            ValueScanCursor<String> page;
            do {
                page = now(next);
                // The next page is asked for before this one's ids are read, so the scan overlaps the reading.
                if (!page.isFinished()) {
                    next = store.async().sscan(key, page, limit);
                    store.flush();
                }
                for (String id : page.getValues()) {
                    buffer.add(id);
                    if (buffer.size() == chunkSize) {
                        chunk.accept(List.copyOf(buffer));
                        buffer.clear();
                    }
                }
            } while (!page.isFinished());
        }
        if (!buffer.isEmpty()) {
            chunk.accept(List.copyOf(buffer));
        }
    }

    private <T> T now(RedisFuture<T> future) {
        store.flush();
        return store.await(future, store.deadline());
    }

    /** Closes the connection if this reader opened it; a reader from {@link Ingestor#reader()} stays open. */
    @Override
    public void close() {
        if (owns) {
            store.close();
        }
    }
}
