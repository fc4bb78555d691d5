package io.github.iskahomes.analytics.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.CommandArgs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reader's script call, written from a key shape by {@link BulkReads.ReadArgs}, is byte for byte Lettuce's. */
class BulkReadsTest {
    private static final String SHA = "0123456789abcdef0123456789abcdef01234567";

    @Test
    void writesTheBytesLettucesStringCodecWritesForTheSameKeys() {
        BulkReads.Shape shape = new BulkReads.Shape("app:listing:{", new String[] {"}:day:20250115",
            "}:day:20250115:unique_views", "}:day:20250115:unique_leads"}, "hgg");
        List<String> ids = List.of("L1", "caf\u00e9-7", "\uD83C\uDFE0", "listing-0123456789", "x");
        int[] group = {3, 1, 2, 4};
        ByteBuf ours = Unpooled.buffer();
        new BulkReads.ReadArgs(SHA, shape, ids, group).encode(ours);

        List<String> keys = new ArrayList<>();
        for (int i = 1; i <= group[0]; i++) {
            String id = ids.get(group[i]);
            keys.add("app:listing:{" + id + "}:day:20250115");
            keys.add("app:listing:{" + id + "}:day:20250115:unique_views");
            keys.add("app:listing:{" + id + "}:day:20250115:unique_leads");
        }
        ByteBuf lettuce = Unpooled.buffer();
        new CommandArgs<>(StringCodec.UTF8).add(SHA).add(keys.size()).addKeys(keys).add("hgg").encode(lettuce);

        assertThat(ByteBufUtil.getBytes(ours)).isEqualTo(ByteBufUtil.getBytes(lettuce));
        BulkReads.ReadArgs args = new BulkReads.ReadArgs(SHA, shape, ids, group);
        assertThat(args.count()).isEqualTo(3 + keys.size());
        assertThat(args.getFirstEncodedKey()).isEqualTo(StringCodec.UTF8.encodeKey(keys.get(0)));
        assertThat(shape.key("caf\u00e9-7", 2)).isEqualTo(keys.get(2));
    }
}
