package io.github.iskahomes.analytics.redis;

import io.github.iskahomes.analytics.core.BusinessCalendar;
import io.github.iskahomes.analytics.core.EntityKind;
import io.github.iskahomes.analytics.core.EntityRef;
import io.github.iskahomes.analytics.core.LeadRef;
import io.github.iskahomes.analytics.core.internal.CalendarParts;
import io.github.iskahomes.analytics.redis.internal.RedisForms;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The key schema, in one place. Every entity key carries the entity id as its Cluster hash tag, so all keys of one
 * entity (and its leads) share a slot; day-wide keys (indexes, event counts) are tagged by day and shard so that one
 * day does not land on one node. Immutable and thread-safe.
 */
final class Keys {
    /** How many first-level marker buckets the event-count markers of one day are spread over, all shards together. */
    static final int DAY_MARKER_BUCKETS = 4096;
    static final String LEAD_KIND = "lead";

    private final String prefix;
    private final int shards;

    Keys(String prefix, int shards) {
        this.prefix = prefix;
        this.shards = shards;
    }

    int shards() {
        return shards;
    }

    /** The {@code YYYYMMDD} text of a day in keys: core's day key. */
    static String day(LocalDate day) {
        return CalendarParts.dayKey(day);
    }

    /** {@code P<kind>:{<id>}:day:<YYYYMMDD>:<metric>}: the HyperLogLogs (of metrics past their inline members). */
    String entityDay(EntityRef entity, LocalDate day, String suffix) {
        return metricKey(counters(entity, day), suffix);
    }

    /** The key of an entity-day's metric {@code suffix}, whose counters hash is {@code counters}. */
    static String metricKey(String counters, String suffix) {
        return counters + ':' + suffix;
    }

    /**
     * {@code P<kind>:{<id>}:day:<YYYYMMDD>}: the hash of the entity-day's counters, one field per combination of
     * counters that events incremented together ({@link #counterField}), its metadata fields (lister_id, …), its
     * unique metrics' first members ({@link #uniqueMember}, {@link #INLINE_MEMBERS}) and,
     * on a Cluster, its first dedupe markers (fields that start with a digit, {@code -} or {@code ~}; further ones in
     * {@code …:marks:<0-15>…}).
     */
    String counters(EntityRef entity, LocalDate day) {
        return counters(entity, day(day));
    }

    /** {@link #counters(EntityRef, LocalDate)} for a {@link #day(LocalDate)} text. */
    String counters(EntityRef entity, String day) {
        return prefix + RedisForms.keyName(entity.kind()) + ":{" + entity.id() + "}:day:" + day;
    }

    /** {@link #entityDay} without its suffix, for a {@link #day(LocalDate)} text: {@code P<kind>:{<id>}:day:<day>:}. */
    String entityDayPrefix(EntityRef entity, String day) {
        return metricKey(counters(entity, day), "");
    }

    String leadActions(LeadRef lead) {
        return prefix + "lead:{" + lead.listingId() + "}:{" + lead.seekerId() + "}:actions";
    }

    String leadMetadata(LeadRef lead) {
        return prefix + "lead:{" + lead.listingId() + "}:{" + lead.seekerId() + "}:metadata";
    }

    String leadDayActions(LeadRef lead, LocalDate day) {
        return leadDayActions(lead, day(day));
    }

    String leadDayActions(LeadRef lead, String day) {
        return prefix + "lead:{" + lead.listingId() + "}:{" + lead.seekerId() + "}:day:" + day + ":actions";
    }

    /** {@code Pindex:<kind>:{<YYYYMMDD>:<nn>}}: a set of the ids of one kind active on the day, one of {@code shards}. */
    String index(String kindName, LocalDate day, int shard) {
        return index(kindName, day(day), shard);
    }

    String index(String kindName, String day, int shard) {
        return prefix + "index:" + kindName + ":{" + day + ':' + twoDigits(shard) + '}';
    }

    String index(EntityKind kind, LocalDate day, int shard) {
        return index(RedisForms.keyName(kind), day, shard);
    }

    /** {@code Pevents:{<YYYYMMDD>:<nn>}}: a hash of accepted events per type, for the uuids of shard nn. */
    String eventCounts(LocalDate day, int shard) {
        return eventCounts(day(day), shard);
    }

    String eventCounts(String day, int shard) {
        return prefix + "events:{" + day + ':' + twoDigits(shard) + '}';
    }

    /**
     * How many first-level marker buckets each event-count shard has when a day's counts are spread over
     * {@code countShards} shards: {@link #DAY_MARKER_BUCKETS} over the shards.
     */
    static int markerBuckets(int countShards) {
        return (DAY_MARKER_BUCKETS + countShards - 1) / countShards;
    }

    /**
     * {@code Pevents:{<YYYYMMDD>:<nn>}:marks:<b>}: a first-level marker bucket of the uuids counted in
     * {@link #eventCounts}; {@code b} is {@link Marker#spread()} modulo the shard's {@link #markerBuckets}. Full buckets continue in sub-buckets
     * {@code …:marks:<b>:<0-15>} that the script names.
     */
    String eventMarks(String day, int shard, Marker marker, int buckets) {
        return eventMarks(eventCounts(day, shard), firstBucket(marker, buckets));
    }

    /** The first-level bucket, of a shard's {@code buckets}, that a marker belongs in. */
    static int firstBucket(Marker marker, int buckets) {
        return marker.spread() % buckets;
    }

    /** The first-level marker bucket {@code bucket} of the event counts {@code countsKey}. */
    static String eventMarks(String countsKey, int bucket) {
        return countsKey + ":marks:" + bucket;
    }

    /**
     * {@code Puuid:{<uuid>}:timestamp}: the timestamp an event sent without one got on its first try (epoch
     * milliseconds), so that its retries land on the same day. Expires with that day.
     */
    String uuidTimestamp(String uuid) {
        return prefix + "uuid:{" + uuid + "}:timestamp";
    }

    /**
     * How many members a unique metric keeps inline, as fields of the counters hash, per counter field holding its
     * companion counter ({@link #counterField}): the script writes a member inline while the field that its event
     * incremented is at most this, into the metric's HyperLogLog key after that. The reader reads that key only
     * where some such field is above this. Most entity-days of a marketplace have a few views, and a key costs more
     * than a few fields (issue 12's memory per event).
     */
    static final int INLINE_MEMBERS = 3;

    /**
     * The field of the counters hash that an event's counters of one entity-day go to, one {@code HINCRBY} for all
     * of them: a letter per counter, {@code 'A'} plus its index in the kind's {@link EntityKind#counters()}, in
     * index order. A listing view that is logged in and from search is {@code ABF} (total_views, logged_in_views,
     * views_from_search); the reader adds a field's value to each of its letters' counters. One field per
     * combination is both fewer commands (one instead of three for a view) and fewer, shorter fields than one per
     * counter. Counters only ever join the end of a kind's list, so a letter keeps its meaning.
     *
     * @throws IllegalArgumentException if a metric is not a counter of the kind
     */
    static String counterField(EntityKind kind, List<String> metrics) {
        char[] field = new char[metrics.size()];
        for (int m = 0; m < field.length; m++) {
            field[m] = letter(kind, metrics.get(m));
        }
        if (field.length > 1) {
            Arrays.sort(field);
        }
        return new String(field);
    }

    /**
     * A counter's letter in {@link #counterField}s.
     *
     * @throws IllegalArgumentException if {@code metric} is not a counter of the kind
     */
    static char letter(EntityKind kind, String metric) {
        Character letter = LETTERS.get(kind).get(metric);
        if (letter == null) {
            throw new IllegalArgumentException(metric + " is not a counter of " + kind);
        }
        return letter;
    }

    /** Per kind, each counter's letter in {@link #counterField}s. */
    private static final Map<EntityKind, Map<String, Character>> LETTERS = new EnumMap<>(EntityKind.class);

    static {
        for (EntityKind kind : EntityKind.values()) {
            List<String> counters = kind.counters();
            if (counters.size() > 26) {
                throw new IllegalStateException(kind + " has more counters than letters: " + counters.size());
            }
            Map<String, Character> letters = new HashMap<>();
            for (int c = 0; c < counters.size(); c++) {
                letters.put(counters.get(c), (char) ('A' + c));
            }
            LETTERS.put(kind, letters);
        }
    }

    /**
     * A unique metric's member as the writer sends it: the metric's tag ({@code 'a'} plus its index in the kind's
     * {@link EntityKind#uniques()}), then a 64-bit hash of the member as decimal text. The hash is the member's
     * identity in every sketch (the same visitor is the same member of every metric, entity and day, so sketches
     * union as before). Inline, the decimal is a field of the counters hash whose value holds the tags of the metrics
     * it is a member of (a ziplist keeps the field as an 8-byte integer: about 13 bytes a member, whatever the
     * visitor id's length); in a HyperLogLog the decimal is the member. A field whose value is tags is never a
     * marker: a marker's value is a decimal or {@code "1"}.
     */
    static String uniqueMember(EntityKind kind, String metric, String member) {
        return uniqueTag(kind, metric) + Long.toString(memberHash(member));
    }

    /**
     * A unique metric's tag in {@link #uniqueMember}s.
     *
     * @throws IllegalArgumentException if {@code metric} is not a unique metric of the kind
     */
    static char uniqueTag(EntityKind kind, String metric) {
        int index = kind.uniques().indexOf(metric);
        if (index < 0) {
            throw new IllegalArgumentException(metric + " is not a unique metric of " + kind);
        }
        return (char) ('a' + index);
    }

    /** A member's 64-bit hash in {@link #uniqueMember}s: its identity in every sketch. */
    static long memberHash(String member) {
        return Hash64.of(MEMBER_SEED, member);
    }

    private static final long MEMBER_SEED = 0x2545F4914F6CDD1DL;

    /** A short-lived key for sketch unions; every call's keys share the random tag. */
    String temporary(String tag, int n) {
        return prefix + "tmp:{" + tag + "}:" + n;
    }

    /** A lead as one entry of the day's lead index: {@code "<listing_id> <seeker_id>"} (ids never hold whitespace). */
    static String leadMember(LeadRef lead) {
        return lead.listingId() + ' ' + lead.seekerId();
    }

    /**
     * The lead an index entry names.
     *
     * @throws IllegalArgumentException if the text is not a lead index entry
     */
    static LeadRef leadOfMember(String member) {
        int space = member.indexOf(' ');
        if (space <= 0 || space == member.length() - 1) {
            throw new IllegalArgumentException("\"" + member + "\" is not a lead index entry");
        }
        return new LeadRef(member.substring(0, space), member.substring(space + 1));
    }

    /**
     * When every key of a day expires: the end of the day in the business zone plus the retention. All keys of a
     * day die at this one instant, however late they were written.
     */
    static Instant expiryOf(BusinessCalendar calendar, LocalDate day, Duration retention) {
        return calendar.endOf(day).plus(retention);
    }

    /** The days whose keys are still alive at {@code now}, oldest first, ending with today. */
    static List<LocalDate> retainedDays(BusinessCalendar calendar, Instant now, Duration retention) {
        LocalDate today = calendar.dayOf(now);
        List<LocalDate> days = new ArrayList<>();
        for (LocalDate day = calendar.dayOf(now.minus(retention)).minusDays(1); !day.isAfter(today);
                day = day.plusDays(1)) {
            if (expiryOf(calendar, day, retention).isAfter(now)) {
                days.add(day);
            }
        }
        return days;
    }

    /** The shard of an id or uuid: stable across JVMs, since {@link String#hashCode()} is specified. */
    int shardOf(String id) {
        return Math.floorMod(id.hashCode(), shards);
    }

    private static String twoDigits(int shard) {
        return shard < 10 ? "0" + shard : Integer.toString(shard);
    }
}
