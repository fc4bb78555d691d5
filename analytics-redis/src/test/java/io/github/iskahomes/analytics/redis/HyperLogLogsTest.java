package io.github.iskahomes.analytics.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iskahomes.analytics.testing.RedisExtension;
import io.github.iskahomes.analytics.testing.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.ArrayOutput;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.ProtocolKeyword;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link HyperLogLogs#count} gives exactly what Redis's PFCOUNT gives, on sparse and dense sketches of any size, and
 * {@link HyperLogLogs#add} builds exactly the registers PFADD leaves, in a sketch Redis takes as its own.
 */
@ExtendWith(RedisExtension.class)
class HyperLogLogsTest {
    private static RedisClient client;
    private static StatefulRedisConnection<byte[], byte[]> connection;
    private static String prefix;

    @BeforeAll
    static void open(TestRedis redis) {
        client = RedisClient.create(redis.uri());
        connection = client.connect(ByteArrayCodec.INSTANCE);
        prefix = redis.keyPrefix();
    }

    @AfterAll
    static void close() {
        connection.close();
        client.shutdown();
    }

    @Test
    void countsEqualPfcountFromOneMemberToAHundredThousandSparseAndDense() {
        RedisCommands<byte[], byte[]> redis = connection.sync();
        Set<Byte> encodings = new HashSet<>();
        int checked = 0;
        for (int seed = 0; seed < 3; seed++) {
            byte[] key = bytes(prefix + "hll-" + seed);
            int added = 0;
            for (int size : new int[] {1, 2, 3, 5, 8, 13, 21, 50, 100, 200, 300, 500, 700, 1000, 1500, 2000, 3000,
                    5000, 8000, 12000, 20000, 40000, 70000, 100000}) {
                List<byte[]> members = new ArrayList<>();
                for (; added < size; added++) {
                    members.add(bytes("member-" + seed + "-" + added));
                    if (members.size() == 1000) {
                        redis.pfadd(key, members.toArray(byte[][]::new));
                        members.clear();
                    }
                }
                if (!members.isEmpty()) {
                    redis.pfadd(key, members.toArray(byte[][]::new));
                }
                // First as PFADD left it (its cached count stale), then as PFCOUNT left it (the count cached).
                byte[] stale = redis.get(key);
                long counted = redis.pfcount(key);
                byte[] cached = redis.get(key);
                assertThat(HyperLogLogs.count(stale)).as("%d members, stale cache, seed %d", size, seed)
                        .isEqualTo(counted);
                assertThat(HyperLogLogs.count(cached)).as("%d members, cached, seed %d", size, seed)
                        .isEqualTo(counted);
                encodings.add(stale[4]);
                checked++;
            }
        }
        assertThat(checked).isEqualTo(72);
        assertThat(encodings).as("both encodings were counted: 0 dense, 1 sparse").containsExactlyInAnyOrder(
                (byte) 0, (byte) 1);
    }

    @Test
    void emptySketchesCountZeroAsPfcountDoes() {
        RedisCommands<byte[], byte[]> redis = connection.sync();
        byte[] added = bytes(prefix + "hll-empty-added");
        byte[] merged = bytes(prefix + "hll-empty-merged");
        // PFADD without members creates an empty sketch, and so does PFMERGE of a key that does not exist.
        redis.dispatch(CommandType.PFADD, new IntegerOutput<>(ByteArrayCodec.INSTANCE),
                new CommandArgs<>(ByteArrayCodec.INSTANCE).addKey(added));
        redis.pfmerge(merged, bytes(prefix + "hll-never-written"));
        for (byte[] key : List.of(added, merged)) {
            byte[] stale = redis.get(key);
            assertThat(HyperLogLogs.count(stale)).isZero().isEqualTo(redis.pfcount(key));
        }
    }

    @Test
    void bytesThatAreNoHyperLogLogAreRefusedWithTheReason() {
        assertThatThrownBy(() -> HyperLogLogs.count(bytes("not a sketch")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a Redis HyperLogLog (no HYLL header)");
        byte[] cut = new byte[20];
        System.arraycopy(bytes("HYLL"), 0, cut, 0, 4);
        cut[4] = 1;
        cut[15] = (byte) 0x80;
        assertThatThrownBy(() -> HyperLogLogs.count(cut))
                .hasMessage("not a Redis HyperLogLog (a sparse one of 4 registers)");
    }

    @Test
    void addBuildsTheRegistersPfaddLeavesForEverySizeOnNoSparseAndDenseBases() {
        RedisCommands<byte[], byte[]> redis = connection.sync();
        byte[] sparseBase = pfadd(bytes(prefix + "add-base-sparse"), members("sparse-base", 200));
        byte[] denseBase = pfadd(bytes(prefix + "add-base-dense"), members("dense-base", 6000));
        assertThat(sparseBase[4]).as("Redis made the sparse base sparse").isEqualTo((byte) 1);
        assertThat(denseBase[4]).as("Redis made the dense base dense").isEqualTo((byte) 0);
        Set<String> seen = new HashSet<>();
        for (String baseName : List.of("none", "sparse", "dense")) {
            byte[] base = switch (baseName) {
                case "sparse" -> sparseBase;
                case "dense" -> denseBase;
                default -> null;
            };
            for (int size : new int[] {1, 2, 3, 5, 8, 9, 20, 100, 1000, 5000, 20000}) {
                List<String> members = members("add-" + size, size);
                String what = size + " members into base " + baseName;
                byte[] theirs = bytes(prefix + "add-theirs-" + baseName + "-" + size);
                if (base != null) {
                    redis.set(theirs, base);
                }
                byte[] expected = pfadd(theirs, members);
                byte[] built = HyperLogLogs.add(base, members);
                assertThat(built[4]).as("encoding of %s", what).isEqualTo(expected[4]);
                if (base == null && size <= 9) {
                    // The inline entity-days of key model v2.1: byte for byte what PFADD leaves.
                    assertThat(built).as("bytes of %s", what).isEqualTo(expected);
                }
                byte[] ours = bytes(prefix + "add-ours-" + baseName + "-" + size);
                redis.set(ours, built);
                long counted = redis.pfcount(ours);
                assertThat(HyperLogLogs.count(built)).as("count of %s", what).isEqualTo(counted)
                        .isEqualTo(redis.pfcount(theirs));
                assertThat(registers(ours)).as("registers of %s", what).isEqualTo(registers(theirs));
                assertThat(redis.pfadd(ours, bytes("one more"))).isEqualTo(redis.pfadd(theirs, bytes("one more")));
                assertThat(redis.pfcount(ours)).isEqualTo(redis.pfcount(theirs));
                seen.add(baseName + ":" + built[4]);
            }
        }
        assertThat(seen).as("sparse and dense built from no base and a sparse one; a dense one stays dense")
                .containsExactlyInAnyOrder("none:1", "none:0", "sparse:1", "sparse:0", "dense:0");
    }

    @Test
    void addGivesPfaddsBytesAtEverySizeUpToTwoThousandThroughTheSwitchToDense() {
        RedisCommands<byte[], byte[]> redis = connection.sync();
        byte[] key = bytes(prefix + "every-size");
        List<String> members = new ArrayList<>();
        int switchedAt = 0;
        for (int size = 1; size <= 2000; size++) {
            String member = "every-size-" + size;
            members.add(member);
            redis.pfadd(key, bytes(member));
            byte[] theirs = redis.get(key);
            assertThat(HyperLogLogs.add(null, members)).as("%d members", size).isEqualTo(theirs);
            if (switchedAt == 0 && theirs[4] == 0) {
                switchedAt = size;
            }
        }
        // Near 1700 members the sparse form passes 3000 bytes: both sides turned dense at the same member.
        assertThat(switchedAt).isBetween(1000, 2000);
    }

    @Test
    void aFewMembersOnNoBaseGiveTheBytesOfTheWholeRegisterPathWhateverTheirRegisters() {
        // add(null, …) of up to 256 members skips the array of every register (the reader's common case); an empty
        // base takes the whole path. Their bytes must agree: gaps, neighbouring registers of one value merged into
        // one run, a register hit twice keeping its larger value. Redis's own bytes up to 2,000 members are checked
        // above, member by member.
        byte[] empty = HyperLogLogs.add(null, List.of());
        java.util.Random random = new java.util.Random(12);
        for (int set = 0; set < 3000; set++) {
            int size = 1 + random.nextInt(set % 10 == 0 ? 256 : 12);
            List<String> members = new ArrayList<>();
            for (int m = 0; m < size; m++) {
                members.add("few-" + random.nextInt(size * 2));
            }
            assertThat(HyperLogLogs.add(null, members)).as("set %d", set).isEqualTo(HyperLogLogs.add(empty, members));
        }
    }

    @Test
    void aUnionCountsWhatPfcountOfSeveralKeysCountsSparseAndDenseAlike() {
        RedisCommands<byte[], byte[]> redis = connection.sync();
        // Overlapping sets, so the union is not the sum: 5 and 8 (sparse), 300 (sparse), 6,000 (dense).
        List<List<String>> sets = List.of(members("u", 5), members("u", 8), members("v", 300), members("u", 6000));
        List<byte[]> keys = new ArrayList<>();
        List<byte[]> sketches = new ArrayList<>();
        for (int i = 0; i < sets.size(); i++) {
            byte[] key = bytes(prefix + "union-" + i);
            sketches.add(pfadd(key, sets.get(i)));
            keys.add(key);
        }
        assertThat(sketches).extracting(sketch -> sketch[4]).containsExactly((byte) 1, (byte) 1, (byte) 1, (byte) 0);
        for (int from = 0; from < sets.size(); from++) {
            for (int to = from + 2; to <= sets.size(); to++) {
                long theirs = redis.pfcount(keys.subList(from, to).toArray(byte[][]::new));
                assertThat(HyperLogLogs.countUnion(sketches.subList(from, to))).as("sets %d to %d", from, to)
                        .isEqualTo(theirs);
            }
        }
        assertThat(HyperLogLogs.countUnion(List.of(sketches.get(0), sketches.get(1)))).isEqualTo(8);
        assertThat(HyperLogLogs.countUnion(List.of())).isZero();
        assertThatThrownBy(() -> HyperLogLogs.countUnion(List.of(sketches.get(0), bytes("no sketch at all"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("not a Redis HyperLogLog (no HYLL header)");
    }

    @Test
    void duplicatedMembersRaiseTheirRegisterOnceAsPfaddDoes() {
        List<String> members = new ArrayList<>(members("dup", 5));
        members.addAll(members("dup", 5));
        members.add(members.get(0));
        byte[] expected = pfadd(bytes(prefix + "dup-theirs"), members);
        byte[] built = HyperLogLogs.add(null, members);
        assertThat(built).isEqualTo(expected).isEqualTo(HyperLogLogs.add(null, members("dup", 5)));
        assertThat(HyperLogLogs.count(built)).isEqualTo(5);
    }

    @Test
    void noMembersGiveTheEmptySketchPfaddCreatesOrTheBaseUnchanged() {
        RedisCommands<byte[], byte[]> redis = connection.sync();
        byte[] created = bytes(prefix + "empty-theirs");
        redis.dispatch(CommandType.PFADD, new IntegerOutput<>(ByteArrayCodec.INSTANCE),
                new CommandArgs<>(ByteArrayCodec.INSTANCE).addKey(created));
        byte[] empty = HyperLogLogs.add(null, List.of());
        assertThat(empty).isEqualTo(redis.get(created));
        byte[] ours = bytes(prefix + "empty-ours");
        redis.set(ours, empty);
        assertThat(redis.pfcount(ours)).isZero();
        assertThat(HyperLogLogs.count(empty)).isZero();
        assertThat(redis.pfadd(ours, bytes("first"))).isEqualTo(1);
        assertThat(redis.pfcount(ours)).isEqualTo(1);

        byte[] base = pfadd(bytes(prefix + "empty-base"), members("empty-base", 30));
        assertThat(HyperLogLogs.add(base, List.of())).isEqualTo(base).isNotSameAs(base);
        // Members already counted raise nothing: PFADD leaves the base untouched, its cached count still valid.
        redis.pfcount(bytes(prefix + "empty-base"));
        byte[] cached = redis.get(bytes(prefix + "empty-base"));
        assertThat(HyperLogLogs.add(cached, members("empty-base", 30))).isEqualTo(cached);
    }

    @Test
    void aDenseBaseStaysDenseWithRegistersSparseCannotHold() {
        RedisCommands<byte[], byte[]> redis = connection.sync();
        byte[] base = pfadd(bytes(prefix + "tall-base"), members("tall-base", 6000));
        // A register of 40 (the odds of a member giving it are 2^-40): set through Redis's own dense encoding.
        byte[] tall = base.clone();
        int register = 1234;
        int bit = register * 6;
        int at = 16 + bit / 8;
        int shift = bit % 8;
        int word = (tall[at] & 0xFF) | (tall[at + 1] & 0xFF) << 8;
        word = (word & ~(0x3F << shift)) | 40 << shift;
        tall[at] = (byte) word;
        tall[at + 1] = (byte) (word >>> 8);
        byte[] theirs = bytes(prefix + "tall-theirs");
        redis.set(theirs, tall);
        List<String> members = members("tall", 50);
        byte[] expected = pfadd(theirs, members);
        byte[] built = HyperLogLogs.add(tall, members);
        assertThat(built[4]).isEqualTo((byte) 0);
        assertThat(built).isEqualTo(expected);
        byte[] ours = bytes(prefix + "tall-ours");
        redis.set(ours, built);
        assertThat(registers(ours).get(register)).isEqualTo(40L);
        assertThat(HyperLogLogs.count(built)).isEqualTo(redis.pfcount(ours)).isEqualTo(redis.pfcount(theirs));
    }

    @Test
    void nonAsciiMembersAreHashedAsTheirUtf8Bytes() {
        RedisCommands<byte[], byte[]> redis = connection.sync();
        List<String> members = List.of("café", "東京タワー", "Zürich-straße", "🏠 listing", "مرحبا", "é", "\u0000nul",
                "ok", "exactly8", "sixteen-bytes-16", "nineteen-bytes--19");
        byte[] theirs = bytes(prefix + "utf8-theirs");
        byte[] expected = pfadd(theirs, members);
        byte[] built = HyperLogLogs.add(null, members);
        assertThat(built).isEqualTo(expected);
        byte[] ours = bytes(prefix + "utf8-ours");
        redis.set(ours, built);
        assertThat(registers(ours)).isEqualTo(registers(theirs));
        assertThat(HyperLogLogs.count(built)).isEqualTo(redis.pfcount(theirs)).isEqualTo(members.size());
    }

    @Test
    void aBaseThatIsNoHyperLogLogIsRefusedWithTheReasonCountGives() {
        List<String> members = List.of("a");
        assertThatThrownBy(() -> HyperLogLogs.add(bytes("not a sketch"), members))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a Redis HyperLogLog (no HYLL header)");
        byte[] cut = new byte[20];
        System.arraycopy(bytes("HYLL"), 0, cut, 0, 4);
        cut[4] = 1;
        assertThatThrownBy(() -> HyperLogLogs.add(cut, members))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a Redis HyperLogLog (a sparse one of 4 registers)");
        byte[] shortDense = new byte[100];
        System.arraycopy(bytes("HYLL"), 0, shortDense, 0, 4);
        assertThatThrownBy(() -> HyperLogLogs.add(shortDense, members))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a Redis HyperLogLog (a dense one of 100 bytes)");
        byte[] tooMany = new byte[16 + 3];
        System.arraycopy(bytes("HYLL"), 0, tooMany, 0, 4);
        tooMany[4] = 1;
        tooMany[16] = 0x7F;
        tooMany[17] = (byte) 0xFF;
        tooMany[18] = (byte) 0x80;
        assertThatThrownBy(() -> HyperLogLogs.add(tooMany, members))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a Redis HyperLogLog (a sparse one of 16385 registers)");
    }

    /** PFADD of the members (in batches of 1000, one command each) and the key's bytes afterwards. */
    private static byte[] pfadd(byte[] key, List<String> members) {
        RedisCommands<byte[], byte[]> redis = connection.sync();
        for (int from = 0; from < members.size(); from += 1000) {
            byte[][] batch = members.subList(from, Math.min(members.size(), from + 1000)).stream()
                    .map(HyperLogLogsTest::bytes).toArray(byte[][]::new);
            redis.pfadd(key, batch);
        }
        if (members.isEmpty()) {
            redis.dispatch(CommandType.PFADD, new IntegerOutput<>(ByteArrayCodec.INSTANCE),
                    new CommandArgs<>(ByteArrayCodec.INSTANCE).addKey(key));
        }
        return redis.get(key);
    }

    /** {@code PFDEBUG GETREG}: the key's 16384 registers (Redis turns the key dense to answer). */
    private static List<Object> registers(byte[] key) {
        List<Object> registers = connection.sync().dispatch(PFDEBUG, new ArrayOutput<>(ByteArrayCodec.INSTANCE),
                new CommandArgs<>(ByteArrayCodec.INSTANCE).add("GETREG").addKey(key));
        assertThat(registers).hasSize(16384);
        return registers;
    }

    private static final ProtocolKeyword PFDEBUG = new ProtocolKeyword() {
        @Override
        public byte[] getBytes() {
            return bytes("PFDEBUG");
        }

        @Override
        public String name() {
            return "PFDEBUG";
        }
    };

    private static List<String> members(String name, int count) {
        List<String> members = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            members.add(name + "-" + i);
        }
        return Collections.unmodifiableList(members);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
