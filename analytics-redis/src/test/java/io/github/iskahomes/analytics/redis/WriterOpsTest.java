package io.github.iskahomes.analytics.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iskahomes.analytics.core.EntityKind;
import io.github.iskahomes.analytics.core.EntityRef;
import io.github.iskahomes.analytics.core.EventType;
import io.github.iskahomes.analytics.core.LeadAction;
import io.github.iskahomes.analytics.core.LeadRef;
import io.github.iskahomes.analytics.core.internal.Mutation;
import io.github.iskahomes.analytics.core.internal.MutationPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The writer's ops: planned as the typed definition says, sent in its wire form, documented from it. */
class WriterOpsTest {
    private static final LocalDate DAY = LocalDate.of(2025, 1, 15);
    private final IngestorConfig config = IngestorConfig.defaults();
    /** One call per hash slot, as on a Cluster: every entity-day call marks its events itself. */
    private final WritePlanner planner = new WritePlanner(new Keys("", config.indexShards()), config, false);

    @Test
    void scriptsLoadedFromTheLuaResourcesHaveTheirPinnedSha1s() {
        // Pinned so that any change of the script text is deliberate: a new SHA-1 is a new script to every server
        // (these are the scripts of the hash layout with compact marker buckets: counters, metadata and on a Cluster the
        // first markers as fields of the entity-day's hash, uuids as fields of small hashes, count buckets levelled by
        // the shard's number of markers, sketches expiring with their companion counter, a unique metric's first 8
        // members inline in the counters hash).
        assertThat(Script.APPLY.sha()).isEqualTo("be9d20504ffed9ee942c94226ee424d6749f3178");
        assertThat(Script.COUNT.sha()).isEqualTo("9646014897dc05edfc31ac625b8a7530ae282548");
        assertThat(Script.MANY.sha()).isEqualTo("0e8b9b51312cfb45863a0fa12338b5da967c3e6b");
    }

    @Test
    void aViewIsOneSegmentOfCounterUniqueAndFieldsOnItsListingDay() {
        EntityRef listing = EntityRef.listing("l-1");
        MutationPlan view = new MutationPlan("u-1", DAY, List.of(
                new Mutation.Increment(listing, "total_views", 1),
                new Mutation.UniqueAdd(listing, "unique_views", "visitor-1"),
                new Mutation.Increment(listing, "views_from_search", 1),
                new Mutation.Increment(listing, "logged_in_views", 1),
                new Mutation.MetadataSet(listing, "city", "Lagos"),
                new Mutation.MetadataSet(listing, "beds", "3"),
                new Mutation.IndexAdd(listing),
                new Mutation.EventCounted(EventType.PROPERTY_VIEW)));

        WritePlanner.WritePlan plan = planner.plan(List.of(view));

        assertThat(plan.entityDays()).hasSize(1);
        assertThat(codes(plan.entityDayCalls().get(0), 0)).containsExactly(Op.COUNTERS, Op.UNIQUE, Op.FIELDS);
        assertThat(segments(plan.entityDayCalls().get(0)).get(0).get(2)).isEqualTo("H city Lagos beds 3");
        String expiry = Long.toString(planner.expiry(DAY));
        // KEYS: 1 the counters hash, which holds the metadata and is the first marker bucket, 2 the unique views;
        // then the segment: the uuid's marker (field and value; "u-1" is no canonical UUID, so it stays text behind
        // '~'), 3 ops, each code, key position, values (the sketch's first value: its companion counter, then the
        // member: the metric's tag and the visitor's 64-bit hash in decimal). The view's three counters are one field,
        // the letters of total_views (A), logged_in_views (B) and views_from_search (F), which is also the field the
        // unique view goes with.
        assertThat(plan.entityDayCalls().get(0).keys).containsExactly("listing:{l-1}:day:20250115",
                "listing:{l-1}:day:20250115:unique_views");
        assertThat(WireText.of(plan.entityDayCalls().get(0))).containsExactly(expiry, "2", "100", "~u-1", "1", "3",
                "C", "1", "1", "ABF", "u", "2", "ABF",
                "a" + Hash64.of(0x2545F4914F6CDD1DL, "visitor-1"),
                "H", "1", "2", "city", "Lagos", "beds", "3");
        // Calls in order: the index shard, the entity-day, the event count.
        assertThat(plan.calls()).extracting(call -> call.script).containsExactly(Script.APPLY, Script.APPLY,
                Script.COUNT);
        assertThat(WireText.of(plan.calls().get(0))).containsExactly(expiry, "1", "100", "", "", "1", "S", "1", "1", "l-1");
        // The count: KEYS 1 the shard's counts, 2 the marker bucket; ARGV the expiry, the shard's number of
        // first-level buckets, then per event its bucket's position, its marker and its type.
        int shard = new Keys("", 16).shardOf("u-1");
        String bucket = "events:{20250115:" + String.format("%02d", shard) + "}:marks:"
                + Marker.of("u-1").spread() % 256;
        assertThat(plan.calls().get(2).keys).containsExactly(
                "events:{20250115:" + String.format("%02d", shard) + "}", bucket);
        assertThat(WireText.of(plan.calls().get(2))).containsExactly(expiry, "256", "2", "~u-1", "1", "property_view");
    }

    @Test
    void onAStandaloneRedisAnEventsCountMarkerIsItsOnlyMarker() {
        // The batch is one script there: the counts go first, and each entity-day segment names its event's count
        // ('#', its place among the script's counts) instead of marking the uuid again in a bucket of its own.
        WritePlanner oneCall = new WritePlanner(new Keys("", config.indexShards()), config, true);
        EntityRef listing = EntityRef.listing("l-1");
        List<MutationPlan> views = List.of(
                new MutationPlan("u-1", DAY, List.of(new Mutation.Increment(listing, "logged_in_views", 1),
                        new Mutation.IndexAdd(listing), new Mutation.EventCounted(EventType.PROPERTY_VIEW))),
                new MutationPlan("u-2", DAY, List.of(new Mutation.Increment(listing, "logged_in_views", 1),
                        new Mutation.EventCounted(EventType.PROPERTY_VIEW))));

        WritePlanner.WritePlan plan = oneCall.plan(views);

        List<ScriptCall> counts = plan.countCalls();
        assertThat(plan.calls().subList(0, counts.size())).containsExactlyElementsOf(counts);
        assertThat(plan.calls().get(counts.size()).script).isEqualTo(Script.APPLY); // the index shard
        ScriptCall entityDay = plan.entityDayCalls().get(0);
        assertThat(entityDay.keys).containsExactly("listing:{l-1}:day:20250115");
        // The two events' counts are the script's first and second, whether they share a shard or not.
        assertThat(WireText.of(entityDay)).containsExactly(Long.toString(oneCall.expiry(DAY)), "1", "100",
                "#", "1", "1", "C", "1", "1", "B",
                "#", "2", "1", "C", "1", "1", "B");
    }

    @Test
    void aStandaloneBatchSendsAnApplyPartsHeaderOnlyWhereItDiffersFromTheLastOne() {
        // One MANY script: the count ('c'), then the apply parts. The first sends its expiry, key count and cap
        // ('a'); a part with the same expiry and cap and only day keys leaves them out ('A'); another day's part,
        // or one with span keys (a lead's), sends its own again.
        WritePlanner oneCall = new WritePlanner(new Keys("", config.indexShards()), config, true);
        EntityRef l1 = EntityRef.listing("l-1");
        EntityRef l2 = EntityRef.listing("l-2");
        List<MutationPlan> events = List.of(
                new MutationPlan("u-1", DAY, List.of(new Mutation.Increment(l1, "logged_in_views", 1),
                        new Mutation.EventCounted(EventType.PROPERTY_VIEW))),
                new MutationPlan("u-2", DAY, List.of(new Mutation.Increment(l2, "logged_in_views", 1),
                        new Mutation.EventCounted(EventType.PROPERTY_VIEW))),
                new MutationPlan("u-3", DAY.minusDays(1), List.of(new Mutation.Increment(l1, "logged_in_views", 1),
                        new Mutation.EventCounted(EventType.PROPERTY_VIEW))));
        WritePlanner.WritePlan plan = oneCall.plan(events);

        ScriptCall many = ScriptCall.many(plan.calls());
        String today = Long.toString(oneCall.expiry(DAY));
        String yesterday = Long.toString(oneCall.expiry(DAY.minusDays(1)));
        List<String> args = WireText.of(many);
        List<String> applies = new java.util.ArrayList<>();
        for (int i = 0; i < args.size(); i += 3 + Integer.parseInt(args.get(i + 2))) {
            applies.add(String.join(" ", args.subList(i, i + 3 + Integer.parseInt(args.get(i + 2)))));
        }
        assertThat(applies).hasSize(plan.calls().size());
        assertThat(applies.get(0)).startsWith("c ");
        assertThat(applies.subList(1, applies.size())).filteredOn(part -> part.contains(" C 1 1 B")).containsExactly(
                "a 1 10 " + today + " 1 100 # 1 1 C 1 1 B",
                "A 1 7 # 2 1 C 1 1 B",
                "a 1 10 " + yesterday + " 1 100 # 3 1 C 1 1 B");
        // Every part's keys are in KEYS, in the order of its part.
        assertThat(many.keys).hasSize(plan.calls().stream().mapToInt(call -> call.keys.length).sum());
    }

    @Test
    void aStandalonePropertyViewSendsItsNumbersInHeadsAndOnlyItsTextsAsArguments() {
        // A batch of 200 views of 200 listings of 200 listers, as the Ingestor sends it once their metadata is
        // known: per event its marker (2 texts), its listing's segment (the head, the counter field, the unique
        // view's field and member), its lister's (the head, the counter field) and the two parts' heads. Each ARGV is
        // an object and a Lua string Redis makes; the old wire sent 31 per property view.
        WritePlanner oneCall = new WritePlanner(new Keys("", config.indexShards()), config, true);
        java.util.function.IntFunction<List<MutationPlan>> batch = round -> {
            List<MutationPlan> views = new ArrayList<>();
            for (int e = 0; e < 200; e++) {
                io.github.iskahomes.analytics.core.Event view = new io.github.iskahomes.analytics.core.Event(
                        "property_view", "seeker-" + e, Instant.parse("2025-01-15T10:00:00Z"),
                        new java.util.UUID(round, e).toString(), java.util.Map.of("listing_id", "listing-" + e,
                        "lister_id", "lister-" + e, "lister_type", "agent", "viewed_from", "search",
                        "is_logged_in", e % 2 == 0));
                views.add(io.github.iskahomes.analytics.core.internal.MetricContract.plan(
                        new io.github.iskahomes.analytics.core.internal.CheckedEvent(EventType.PROPERTY_VIEW, view,
                                DAY, "seeker-" + e)));
            }
            return views;
        };
        oneCall.plan(batch.apply(1)).applied(); // the listings' metadata, written once

        ScriptCall many = ScriptCall.many(oneCall.plan(batch.apply(2)).calls());

        List<byte[]> args = many.args();
        assertThat(args).hasSize(many.argCount());
        List<String> words = WireText.of(many);
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < words.size(); i += 3 + Integer.parseInt(words.get(i + 2))) {
            parts.add(String.join(" ", words.subList(i, i + 3 + Integer.parseInt(words.get(i + 2)))));
        }
        // The count part: its head, the expiry and the bucket count, two marker halves per event, the one type, and
        // the events' bucket positions and type indexes as one argument.
        assertThat(parts.get(0)).startsWith("c 199 802 ");
        // The index parts (the batch's 400 ids: the index is not remembered between batches), the first in full.
        assertThat(parts.get(1)).startsWith("a 1 209 ").contains(" 1 S 1 200 listing-0 listing-1 ");
        assertThat(parts.get(2)).startsWith("A 1 206   1 S 1 200 lister-0 ");
        // A listing-day: the part's head, the segment's head (the event's count, two ops: C on KEYS[1] of one field,
        // u on KEYS[2]), then three texts; a lister-day: the two heads and one text.
        String viewed = Keys.counterField(EntityKind.LISTING, List.of("total_views", "logged_in_views",
                "views_from_search"));
        assertThat(parts.get(3)).isEqualTo("A 2 11 # 1 2 C 1 1 " + viewed + " u 2 " + viewed + " "
                + Keys.uniqueMember(EntityKind.LISTING, "unique_views", "seeker-0"));
        assertThat(parts).hasSize(3 + 400);
        assertThat(parts.subList(3, parts.size())).allMatch(p -> p.startsWith("A 2 11 # ") || p.startsWith("A 1 7 # ")
                || p.startsWith("A 2 18 # ") && p.contains(" H 1 2 lister_id "));
        // In ARGV: 405 for the count, 204 and 202 for the index, 5 per listing-day and 3 per lister-day, and 4 texts
        // for the one listing whose metadata signature the MetadataCache's table let go (its set's other way took
        // it): 12.1 per event, 10 of them the event's own.
        assertThat(args).hasSize(405 + 204 + 202 + 200 * (5 + 3) + 4);
    }

    @Test
    void aCanonicalUuidIsMarkedByItsTwoHalvesAndAnyOtherByItsText() {
        Marker marker = Marker.of("0190c8e2-7b4a-7def-8123-456789abcdef");
        assertThat(marker.field()).isEqualTo(Long.toString(0x0190c8e27b4a7defL));
        assertThat(marker.value()).isEqualTo(Long.toString(0x8123456789abcdefL));
        // Upper case, braces or missing dashes are other strings than the canonical form: they keep their text, so
        // two uuids the validator tells apart never share a marker.
        assertThat(Marker.of("0190C8E2-7B4A-7DEF-8123-456789ABCDEF").field())
                .isEqualTo("~0190C8E2-7B4A-7DEF-8123-456789ABCDEF");
        assertThat(Marker.of("0190c8e27b4a7def8123456789abcdef").field()).isEqualTo("~0190c8e27b4a7def8123456789abcdef");
        assertThat(Marker.of("0190c8e2-7b4a-7def-8123-456789abcdeg").field()).startsWith("~");
        assertThat(Marker.of("-1").field()).isEqualTo("~-1");
        assertThat(Marker.of("-1").value()).isEqualTo("1");
    }

    @Test
    void twoViewsOfOneListingDayAreOneCallWithEachViewsCounterOpsBehindItsOwnUuid() {
        EntityRef listing = EntityRef.listing("l-1");
        List<MutationPlan> views = List.of(
                new MutationPlan("u-1", DAY, List.of(new Mutation.Increment(listing, "logged_in_views", 1))),
                new MutationPlan("u-2", DAY, List.of(new Mutation.Increment(listing, "views_from_home", 1),
                        new Mutation.Increment(listing, "logged_in_views", 1))));

        WritePlanner.WritePlan plan = planner.plan(views);

        // The script, not the planner, sums the two: only it knows which uuids are new.
        assertThat(plan.entityDayCalls()).hasSize(1);
        assertThat(plan.entityDayCalls().get(0).keys).containsExactly("listing:{l-1}:day:20250115");
        assertThat(WireText.of(plan.entityDayCalls().get(0))).containsExactly(Long.toString(planner.expiry(DAY)), "1", "100",
                "~u-1", "1", "1", "C", "1", "1", "B",
                "~u-2", "1", "1", "C", "1", "1", "BD");
        assertThat(plan.segmentsOf()[0]).containsExactly(0, 0);
        assertThat(plan.segmentsOf()[1]).containsExactly(0, 1);
    }

    @Test
    void everyOpOfALeadEventGoesInTheWireFormOfItsTypedDefinition() {
        LeadRef lead = new LeadRef("l-1", "s-1");
        MutationPlan enquiry = new MutationPlan("u-2", DAY, List.of(
                new Mutation.Increment(EntityRef.listing("l-1"), "phone_leads", 2),
                new Mutation.LeadActionAppend(lead, new LeadAction("u-2", "enquiry", Instant.EPOCH, "form")),
                new Mutation.LeadMetadataSet(lead, "name", "Ada"),
                new Mutation.LeadMetadataSet(lead, "phone", "123")));

        WritePlanner.WritePlan plan = planner.plan(List.of(enquiry));

        ScriptCall call = plan.entityDayCalls().get(0);
        assertThat(codes(call, 0)).containsExactly(Op.COUNTER, Op.APPEND, Op.INCREMENT, Op.FIELDS);
        // KEYS: the day keys (the counters hash, the lead's actions of the day), then the lead's keys that span days,
        // which the ops name from the end of the day keys (-1, -2): the writer encodes a segment before it knows how
        // many day keys its call will have.
        assertThat(call.keys).containsExactly("listing:{l-1}:day:20250115",
                "lead:{l-1}:{s-1}:day:20250115:actions", "lead:{l-1}:{s-1}:actions", "lead:{l-1}:{s-1}:metadata");
        String action = io.github.iskahomes.analytics.redis.internal.RedisForms.encodeLeadAction(
                new LeadAction("u-2", "enquiry", Instant.EPOCH, "form"));
        String phoneLeads = String.valueOf(Keys.letter(EntityKind.LISTING, "phone_leads"));
        assertThat(WireText.of(call)).containsExactly(Long.toString(planner.expiry(DAY)), "2", "100", "~u-2", "1", "4",
                "c", "1", phoneLeads, "2",
                "l", "-1", action,
                "i", "2", "1",
                "H", "-2", "2", "name", "Ada", "phone", "123");
    }

    @Test
    void aLaterEventsNewDayKeyLeavesTheSpanKeysOfEarlierSegmentsWhereTheyWere() {
        // The lead's segment is written before the view adds the unique views sketch as a third day key: its span
        // keys are named from the end of the day keys, so they still point at the lead's keys.
        EntityRef listing = EntityRef.listing("l-1");
        LeadRef lead = new LeadRef("l-1", "s-1");
        List<MutationPlan> events = List.of(
                new MutationPlan("u-1", DAY, List.of(new Mutation.Increment(listing, "phone_leads", 1),
                        new Mutation.LeadMetadataSet(lead, "name", "Ada"))),
                new MutationPlan("u-2", DAY, List.of(new Mutation.Increment(listing, "total_views", 1),
                        new Mutation.UniqueAdd(listing, "unique_views", "v-1"))));

        ScriptCall call = planner.plan(events).entityDayCalls().get(0);

        assertThat(call.keys).containsExactly("listing:{l-1}:day:20250115", "listing:{l-1}:day:20250115:unique_views",
                "lead:{l-1}:{s-1}:metadata");
        String phoneLeads = String.valueOf(Keys.letter(EntityKind.LISTING, "phone_leads"));
        String totalViews = String.valueOf(Keys.letter(EntityKind.LISTING, "total_views"));
        assertThat(WireText.of(call)).containsExactly(Long.toString(planner.expiry(DAY)), "2", "100",
                "~u-1", "1", "2", "C", "1", "1", phoneLeads, "h", "-1", "name", "Ada",
                "~u-2", "1", "2", "C", "1", "1", totalViews, "u", "2", totalViews,
                Keys.uniqueMember(EntityKind.LISTING, "unique_views", "v-1"));
    }

    @Test
    void everyUniqueMetricHasOneCompanionCounterThatPairsBack() {
        // The script gives a sketch its expiry when its companion counter's field is new: the two must always move
        // together (the planner refuses an event that moves one without the other).
        for (EntityKind kind : EntityKind.values()) {
            for (String unique : kind.uniques()) {
                String companion = WritePlanner.companion(kind, unique);
                assertThat(kind.counters()).as(kind + " " + unique).contains(companion);
                assertThat(WritePlanner.pairedUnique(kind, companion)).isEqualTo(unique);
            }
            for (String counter : kind.counters()) {
                String unique = WritePlanner.pairedUnique(kind, counter);
                if (unique != null) {
                    assertThat(WritePlanner.companion(kind, unique)).isEqualTo(counter);
                }
            }
        }
        EntityRef listing = EntityRef.listing("l-1");
        MutationPlan unpaired = new MutationPlan("u-3", DAY, List.of(new Mutation.Increment(listing, "total_views", 1),
                new Mutation.EventCounted(EventType.PROPERTY_VIEW)));
        assertThatThrownBy(() -> planner.plan(List.of(unpaired))).isInstanceOf(IllegalStateException.class)
                .hasMessage("event u-3 increments total_views of " + listing + " without adding to its sketch"
                        + " unique_views");
        MutationPlan alone = new MutationPlan("u-4", DAY, List.of(new Mutation.UniqueAdd(listing, "unique_leads", "s"),
                new Mutation.EventCounted(EventType.PROPERTY_VIEW)));
        assertThatThrownBy(() -> planner.plan(List.of(alone))).isInstanceOf(IllegalStateException.class)
                .hasMessage("event u-4 adds to unique_leads of " + listing + " without incrementing its companion"
                        + " counter total_leads");
    }

    @Test
    void aMetricThatIsNoCounterOfItsKindIsRefusedWhileTheBatchIsPlanned() {
        // Refused by plan, on the caller's thread: the counter fields themselves are made later, with the call's ARGV
        // on Lettuce's I/O thread, where the failure would look like the store's.
        MutationPlan odd = new MutationPlan("u-5", DAY, List.of(
                new Mutation.Increment(EntityRef.listing("l-1"), "views", 1),
                new Mutation.EventCounted(EventType.PROPERTY_VIEW)));
        assertThatThrownBy(() -> planner.plan(List.of(odd))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("views is not a counter of LISTING");
    }

    @Test
    void metadataWrittenByABatchThatRanIsNotSentAgainButAChangedValueOrAnUnfinishedBatchsIs() {
        EntityRef listing = EntityRef.listing("l-1");
        WritePlanner own = new WritePlanner(new Keys("", config.indexShards()), config, false);
        java.util.function.Function<String, MutationPlan> view = lister -> new MutationPlan(
                java.util.UUID.randomUUID().toString(), DAY, List.of(
                        new Mutation.MetadataSet(listing, "lister_id", lister),
                        new Mutation.Increment(listing, "logged_in_views", 1),
                        new Mutation.EventCounted(EventType.PROPERTY_VIEW)));

        // A plan whose calls never ran (a failed batch): its metadata is sent again by the next batch.
        own.plan(List.of(view.apply("U1")));
        WritePlanner.WritePlan second = own.plan(List.of(view.apply("U1")));
        assertThat(codes(second.entityDayCalls().get(0), 0)).containsExactly(Op.COUNTERS, Op.FIELD);
        second.applied();
        // Once a batch has run, the same value is not sent again; another value is, and then that one is not.
        WritePlanner.WritePlan third = own.plan(List.of(view.apply("U1")));
        assertThat(codes(third.entityDayCalls().get(0), 0)).containsExactly(Op.COUNTERS);
        WritePlanner.WritePlan moved = own.plan(List.of(view.apply("U2")));
        assertThat(segments(moved.entityDayCalls().get(0)).get(0)).containsExactly("C B", "h lister_id U2");
        moved.applied();
        assertThat(codes(own.plan(List.of(view.apply("U2"))).entityDayCalls().get(0), 0))
                .containsExactly(Op.COUNTERS);
        // Another day is another hash.
        MutationPlan nextDay = new MutationPlan("u-9", DAY.plusDays(1), List.of(
                new Mutation.MetadataSet(listing, "lister_id", "U2"), new Mutation.Increment(listing, "logged_in_views", 1),
                new Mutation.EventCounted(EventType.PROPERTY_VIEW)));
        assertThat(codes(own.plan(List.of(nextDay)).entityDayCalls().get(0), 0))
                .containsExactly(Op.COUNTERS, Op.FIELD);
    }

    @Test
    void theDocsOpTableIsTheTypedDefinitionRowForRow() throws IOException {
        String docs = Files.readString(Path.of("..", "docs", "analytics-redis.md"));
        List<String> rows = docs.lines().filter(line -> line.matches("\\| `[a-zA-Z]` \\| `[A-Z_]+` \\|.*"))
                .collect(Collectors.toList());
        assertThat(rows).containsExactlyElementsOf(Arrays.stream(Op.values()).map(Op::docRow).toList());
    }

    /** The op kinds of an APPLY call's {@code segment}-th segment, in wire order. */
    private static List<Op> codes(ScriptCall call, int segment) {
        return segments(call).get(segment).stream()
                .map(op -> Arrays.stream(Op.values()).filter(kind -> op.startsWith(kind.code + " ")).findFirst()
                        .orElseThrow())
                .toList();
    }

    /**
     * Reads an APPLY call's ARGV back by each op's {@link Op.Shape}, as the script does: per segment its ops, each
     * its code and values (counts and key positions left out). Fails unless the ops use up the ARGV exactly.
     */
    private static List<List<String>> segments(ScriptCall call) {
        String[] args = WireText.of(call).toArray(new String[0]);
        List<List<String>> segments = new ArrayList<>();
        int i = 3;
        while (i < args.length) {
            List<String> ops = new ArrayList<>();
            int count = Integer.parseInt(args[i + 2]);
            i += 3;
            for (int o = 0; o < count; o++) {
                String code = args[i];
                Op op = Arrays.stream(Op.values()).filter(kind -> kind.code.equals(code)).findFirst().orElseThrow();
                int values = switch (op.shape) {
                    case VALUE -> 1;
                    case FIELD_VALUE -> 2;
                    case COUNTED_VALUES -> Integer.parseInt(args[i + 2]);
                    case COUNTED_PAIRS -> 2 * Integer.parseInt(args[i + 2]);
                };
                int from = op.shape == Op.Shape.VALUE || op.shape == Op.Shape.FIELD_VALUE ? i + 2 : i + 3;
                ops.add(op.code + " " + String.join(" ", Arrays.copyOfRange(args, from, from + values)));
                assertThat(values).isEqualTo(op.texts(op.shape == Op.Shape.COUNTED_PAIRS ? values / 2 : values));
                i = from + values;
            }
            segments.add(ops);
        }
        assertThat(i).isEqualTo(args.length);
        return segments;
    }
}
