package io.github.iskahomes.analytics.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.CommandArgs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The script call's arguments written by {@link ScriptArgs} are byte for byte what Lettuce's own encoding writes. */
class ScriptArgsTest {
    private static final String[] TEXTS = {"", "a", "listing:{l-1}:day:20250115", "caf\u00e9", "\u20ac100",
        "\uD83C\uDFE0 house", "X\uD800", "X\uDBFF", "\uDC00X", "-9223372036854775808", "{\"at\":\"2025\"}",
        "x".repeat(255), "x".repeat(256), "x".repeat(4000), "\u00e9".repeat(200)};

    @Test
    void writesTheBytesLettucesStringCodecWrites() {
        String[] keys = {"k:{a}:1", "k:{a}:caf\u00e9"};
        ByteBuf ours = Unpooled.buffer();
        new ScriptArgs("0123456789abcdef0123456789abcdef01234567", keys, TEXTS).encode(ours);
        ByteBuf lettuce = Unpooled.buffer();
        new CommandArgs<>(StringCodec.UTF8).add("0123456789abcdef0123456789abcdef01234567").add(keys.length)
                .addKeys(keys).addValues(TEXTS).encode(lettuce);
        assertThat(ByteBufUtil.getBytes(ours)).isEqualTo(ByteBufUtil.getBytes(lettuce));
        assertThat(new ScriptArgs("sha", keys, TEXTS).count()).isEqualTo(2 + keys.length + TEXTS.length);
        assertThat(new ScriptArgs("sha", keys, TEXTS).getFirstEncodedKey())
                .isEqualTo(StringCodec.UTF8.encodeKey("k:{a}:1"));
    }

    @Test
    void theCodecsSizeIsTheExactUtf8Length() {
        for (String text : TEXTS) {
            ByteBuf written = Unpooled.buffer();
            StringCodec.UTF8.encodeValue(text, written);
            assertThat(Utf8Codec.INSTANCE.estimateSize(text)).as(text).isEqualTo(written.readableBytes());
            if (!text.contains("\uD800") && !text.contains("\uDBFF") && !text.contains("\uDC00")) {
                assertThat(Utf8Codec.utf8Length(text)).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
            }
        }
        assertThat(Utf8Codec.INSTANCE.isEstimateExact()).isTrue();
    }
}
