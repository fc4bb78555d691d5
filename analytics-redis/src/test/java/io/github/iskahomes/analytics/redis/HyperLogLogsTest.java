package io.github.iskahomes.analytics.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iskahomes.analytics.testing.RedisExtension;
import io.github.iskahomes.analytics.testing.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link HyperLogLogs#count} gives exactly what Redis's PFCOUNT gives, on sparse and dense sketches of any size. */
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

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
