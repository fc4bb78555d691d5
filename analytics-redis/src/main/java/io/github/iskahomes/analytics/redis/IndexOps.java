package io.github.iskahomes.analytics.redis;

import java.util.LinkedHashSet;

/**
 * One index shard's new members for a batch: one {@link Script#APPLY} call of one segment without marker ({@code ''}:
 * the adds are idempotent, so no uuid check), of {@link Op#MEMBERS} ops of up to {@link Script#MAX_UNPACK} members each.
 */
final class IndexOps {
    private final String key;
    private final String expiry;
    private final String leadActionCap;
    private final LinkedHashSet<String> members = new LinkedHashSet<>();

    IndexOps(String key, String expiry, String leadActionCap) {
        this.key = key;
        this.expiry = expiry;
        this.leadActionCap = leadActionCap;
    }

    void add(String member) {
        members.add(member);
    }

    ScriptCall call() {
        int chunks = (members.size() + Script.MAX_UNPACK - 1) / Script.MAX_UNPACK;
        String[] args = new String[3 + Op.MEMBERS.argCount(0) * chunks + members.size()];
        int a = 0;
        args[a++] = "";
        args[a++] = "";
        args[a++] = ScriptCall.position(chunks);
        int left = members.size();
        int inChunk = 0;
        for (String member : members) {
            if (inChunk == 0) {
                inChunk = Math.min(left, Script.MAX_UNPACK);
                args[a++] = Op.MEMBERS.code;
                args[a++] = "1";
                args[a++] = ScriptCall.position(inChunk);
            }
            args[a++] = member;
            inChunk--;
            left--;
        }
        return new ScriptCall(Script.APPLY, new String[] {key}, new ScriptCall.Header(expiry, 1, leadActionCap),
                ScriptCall.Body.of(args), 1);
    }
}
