package io.github.iskahomes.analytics.redis;

import java.util.LinkedHashSet;

/**
 * One index shard's new members for a batch: one {@link Script#APPLY} call of one segment without a check
 * ({@link EntityDayOps#UNCHECKED}: the adds are idempotent, so no uuid check), of {@link Op#MEMBERS} ops of up to
 * {@link Script#MAX_UNPACK} members each.
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
        String[] texts = members.toArray(new String[0]);
        int chunks = (texts.length + Script.MAX_UNPACK - 1) / Script.MAX_UNPACK;
        Resp ops = new Resp(Op.MEMBERS.headBytes() * chunks);
        for (int left = texts.length; left > 0; left -= Script.MAX_UNPACK) {
            Op.MEMBERS.writeHead(ops, 0, Math.min(left, Script.MAX_UNPACK));
        }
        ScriptCall.Body body = new ScriptCall.Body() {
            @Override
            public int count() {
                return 1 + texts.length;
            }

            @Override
            public void writeTo(Resp out) {
                EntityDayOps.writeHead(out, EntityDayOps.UNCHECKED, chunks, texts.length, ops, 0, ops.size());
                for (String member : texts) {
                    out.bulk(member);
                }
            }
        };
        return new ScriptCall(Script.APPLY, new String[] {key}, new ScriptCall.Header(expiry, 1, leadActionCap),
                body, 1);
    }
}
