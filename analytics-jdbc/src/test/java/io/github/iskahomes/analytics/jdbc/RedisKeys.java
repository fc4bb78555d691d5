package io.github.iskahomes.analytics.jdbc;

import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

/** Raw Redis access for tests that make Redis forget keys (expiry, trimming) or corrupt one entity on purpose. */
final class RedisKeys implements AutoCloseable {
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    final RedisCommands<String, String> redis;
    private final String prefix;

    RedisKeys(String uri, String prefix) {
        this.client = RedisClient.create(uri);
        this.connection = client.connect();
        this.redis = connection.sync();
        this.prefix = prefix;
    }

    /** Deletes every key of this test's prefix matching {@code pattern} (after the prefix); returns how many. */
    long delete(String pattern) {
        long deleted = 0;
        for (String key : matching(pattern)) {
            deleted += redis.del(key);
        }
        return deleted;
    }

    /**
     * Makes every key of this test's prefix matching {@code pattern} expire now, the way Redis expires a day's keys
     * at their EXPIREAT instant (PEXPIREAT to the current millisecond); returns how many.
     */
    long expireNow(String pattern) {
        long expired = 0;
        long now = System.currentTimeMillis();
        for (String key : matching(pattern)) {
            expired += redis.pexpireat(key, now) ? 1 : 0;
        }
        return expired;
    }

    private List<String> matching(String pattern) {
        List<String> found = new ArrayList<>();
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches(prefix + pattern).limit(1000));
            found.addAll(page.getKeys());
            cursor = page;
        } while (!cursor.isFinished());
        return found;
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}
