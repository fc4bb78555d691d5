package io.github.iskahomes.analytics.redis;

import java.util.ArrayList;
import java.util.List;

/** One (day, uuid shard) of per-type event counts for a batch: one {@link Script#COUNT} call. */
final class CountOps {
    private final String seenKey;
    private final String countsKey;
    private final String expiry;
    private final List<String> uuidsAndTypes = new ArrayList<>();
    /** Where the call's answers are: its place among the batch's count calls. */
    final int index;

    CountOps(String seenKey, String countsKey, String expiry, int index) {
        this.seenKey = seenKey;
        this.countsKey = countsKey;
        this.expiry = expiry;
        this.index = index;
    }

    /** Counts an event of {@code type}, once per uuid; returns its part of the call's reply. */
    int add(String uuid, String type) {
        uuidsAndTypes.add(uuid);
        uuidsAndTypes.add(type);
        return uuidsAndTypes.size() / 2 - 1;
    }

    ScriptCall call() {
        String[] args = new String[1 + uuidsAndTypes.size()];
        args[0] = expiry;
        for (int i = 0; i < uuidsAndTypes.size(); i++) {
            args[1 + i] = uuidsAndTypes.get(i);
        }
        return new ScriptCall(Script.COUNT, new String[] {seenKey, countsKey}, args, uuidsAndTypes.size() / 2);
    }
}
