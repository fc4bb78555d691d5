package io.github.iskahomes.analytics.examples.bench;

import io.github.iskahomes.analytics.testing.EmbeddedRedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What Redis spends per event on the parts of a script call, apart from the commands it runs: each case is one
 * {@code EVALSHA} per 200 events (as the Ingestor sends a batch) of a script that does only that part, and the figure
 * is Redis's own CPU ({@code INFO cpu}) per event. It answers where the Ingestor's Lua time beyond its commands goes
 * (docs/analytics-redis.md, "ninth round"): the ARGV Redis turns into Lua strings, the small integers among them,
 * and the {@code redis.call}s themselves.
 *
 * <pre>
 * java -cp "examples/target/analytics-examples.jar:examples/target/lib/*" \
 *     io.github.iskahomes.analytics.examples.bench.ScriptArgumentCost [--calls 300] [--rounds 3]
 * </pre>
 *
 * Standalone Redis only (the scripts name keys they do not declare); uses {@code ANALYTICS_REDIS_URL} instead of the
 * embedded Redis 6.2 when set, and flushes it.
 */
public final class ScriptArgumentCost {
    private static final int EVENTS_PER_CALL = 200;
    /** How many small integers (positions, counts, op codes) an event's ARGV carry on the property_view mix. */
    private static final int SMALL_INTS = 20;
    private static final String PARSED_ONCE = "local N = setmetatable({}, {__index = function(t, s)"
            + " local v = tonumber(s) t[s] = v return v end}) ";

    private record Case(String name, String script, List<String> args) {
    }

    private ScriptArgumentCost() {
    }

    public static void main(String[] args) {
        Map<String, String> flags = IngestBenchmark.flags(args);
        int calls = Integer.parseInt(flags.getOrDefault("calls", "300"));
        int rounds = Integer.parseInt(flags.getOrDefault("rounds", "3"));
        String external = System.getenv("ANALYTICS_REDIS_URL");
        try (EmbeddedRedisServer embedded = external == null ? EmbeddedRedisServer.start() : null) {
            RedisClient client = RedisClient.create(external != null ? external : embedded.uri());
            try (StatefulRedisConnection<String, String> connection = client.connect()) {
                RedisCommands<String, String> redis = connection.sync();
                System.out.printf("redis %s; one EVALSHA per %d events, %d calls per figure, %d rounds%n",
                        IngestBenchmark.info(redis, "server").get("redis_version"), EVENTS_PER_CALL, calls, rounds);
                System.out.printf("%-66s %s%n", "Redis CPU per event (µs), each round", "case");
                for (Case c : cases()) {
                    List<String> figures = new ArrayList<>();
                    for (int round = 0; round < rounds; round++) {
                        figures.add(String.format("%5.2f", microsPerEvent(redis, c, calls)));
                    }
                    System.out.printf("%-66s %s%n", String.join("  ", figures), c.name);
                }
            } finally {
                client.shutdown();
            }
        }
    }

    private static List<Case> cases() {
        List<String> one = texts(1);
        List<String> fifteen = texts(15);
        List<String> thirty = texts(30);
        List<String> smallInts = new ArrayList<>();
        StringBuilder blob = new StringBuilder();
        for (int i = 0; i < EVENTS_PER_CALL * SMALL_INTS; i++) {
            int value = (i * 37) % 100; // below 128: one byte each in UTF-8
            smallInts.add(Integer.toString(value));
            blob.append((char) value);
        }
        String fifteenJoined = String.join("", fifteen);
        String perEvent = "for e = 1, #ARGV do ";
        return List.of(
                new Case("1 ARGV per event, script returns at once", "return 0", one),
                new Case("15 ARGV per event, script returns at once", "return 0", fifteen),
                new Case("30 ARGV per event, script returns at once", "return 0", thirty),
                new Case(SMALL_INTS + " small integers per event as ARGV, each parsed once and summed",
                        PARSED_ONCE + "local s = 0 for i = 1, #ARGV do s = s + N[ARGV[i]] end return s", smallInts),
                new Case("the same " + SMALL_INTS + " as bytes of one ARGV, read with string.byte and summed",
                        "local b = ARGV[1] local s = 0 for p = 1, #b do s = s + string.byte(b, p) end return s",
                        List.of(blob.toString())),
                new Case("the same 15 texts as one ARGV, each cut out with string.sub",
                        "local b = ARGV[1] local n = 0 for p = 1, #b, 19 do"
                                + " if string.sub(b, p, p + 18) then n = n + 1 end end return n",
                        List.of(fifteenJoined)),
                new Case("1 ARGV per event and 5 redis.call('EXISTS') (a read, no key)",
                        perEvent + "for j = 1, 5 do redis.call('EXISTS', 'k') end end return 0", one),
                new Case("1 ARGV per event and 5 HINCRBY into the event's own small hash",
                        perEvent + "for j = 1, 5 do redis.call('HINCRBY', ARGV[e], 'f' .. j, 1) end end return 0",
                        one),
                new Case("1 ARGV per event and 5 EXPIREAT of one key",
                        "redis.call('SET', 'k', 1) " + perEvent
                                + "for j = 1, 5 do redis.call('EXPIREAT', 'k', 2000000000) end end return 0", one));
    }

    /** Distinct 19-digit texts, {@code perEvent} per event: the size of a marker's or a member's decimal. */
    private static List<String> texts(int perEvent) {
        List<String> texts = new ArrayList<>();
        for (long i = 0; i < (long) EVENTS_PER_CALL * perEvent; i++) {
            texts.add(String.format("%019d", i * 7919));
        }
        return texts;
    }

    private static double microsPerEvent(RedisCommands<String, String> redis, Case c, int calls) {
        redis.flushall();
        String sha = redis.scriptLoad(c.script);
        String[] args = c.args.toArray(String[]::new);
        for (int i = 0; i < 5; i++) {
            redis.evalsha(sha, ScriptOutputType.INTEGER, new String[0], args);
        }
        double before = IngestBenchmark.redisCpu(redis);
        for (int i = 0; i < calls; i++) {
            redis.evalsha(sha, ScriptOutputType.INTEGER, new String[0], args);
        }
        return (IngestBenchmark.redisCpu(redis) - before) * 1e6 / ((double) calls * EVENTS_PER_CALL);
    }
}
