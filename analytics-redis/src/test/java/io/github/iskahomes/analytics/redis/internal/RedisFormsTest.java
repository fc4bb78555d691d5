package io.github.iskahomes.analytics.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iskahomes.analytics.core.EntityKind;
import io.github.iskahomes.analytics.core.LeadAction;
import io.github.iskahomes.analytics.core.MalformedPayloadException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The Redis forms of core's values: kind key words and stored lead actions. */
class RedisFormsTest {
    static final Instant AT = Instant.parse("2025-01-15T10:00:00Z");

    @Test
    void eachKindsKeysStartWithItsLowerCaseName() {
        assertThat(RedisForms.keyName(EntityKind.LISTING)).isEqualTo("listing");
        assertThat(RedisForms.keyName(EntityKind.USER)).isEqualTo("user");
        assertThat(RedisForms.keyName(EntityKind.DEVELOPMENT)).isEqualTo("development");
    }

    @Test
    void aLeadActionReadsBackAsWritten() {
        LeadAction withContext = new LeadAction("u-1", "phone", AT, "listing_page");
        LeadAction without = new LeadAction("u-2", "email", AT.plusMillis(5), null);
        assertThat(RedisForms.encodeLeadAction(withContext))
                .isEqualTo("{\"uuid\":\"u-1\",\"type\":\"phone\",\"at\":\"2025-01-15T10:00:00Z\",\"context\":\"listing_page\"}");
        assertThat(RedisForms.encodeLeadAction(without))
                .isEqualTo("{\"uuid\":\"u-2\",\"type\":\"email\",\"at\":\"2025-01-15T10:00:00.005Z\"}");
        assertThat(RedisForms.decodeLeadAction(RedisForms.encodeLeadAction(withContext))).isEqualTo(withContext);
        assertThat(RedisForms.decodeLeadAction(RedisForms.encodeLeadAction(without))).isEqualTo(without);
    }

    @Test
    void aLeadActionWithQuotesControlsAndNonAsciiIsTheJsonJacksonWritesAndReadsBack() {
        LeadAction odd = new LeadAction("u-\"3\\", "call\tback\n", AT, "caf\u00e9 \u0001 \uD83C\uDFE0 </script>");
        com.fasterxml.jackson.databind.node.ObjectNode node = new com.fasterxml.jackson.databind.ObjectMapper()
                .createObjectNode().put("uuid", odd.uuid()).put("type", odd.type()).put("at", AT.toString())
                .put("context", odd.context());

        assertThat(RedisForms.encodeLeadAction(odd)).isEqualTo(node.toString())
                .isEqualTo("{\"uuid\":\"u-\\\"3\\\\\",\"type\":\"call\\tback\\n\",\"at\":\"2025-01-15T10:00:00Z\","
                        + "\"context\":\"caf\u00e9 \\u0001 \uD83C\uDFE0 </script>\"}");
        assertThat(RedisForms.decodeLeadAction(RedisForms.encodeLeadAction(odd))).isEqualTo(odd);
    }

    @Test
    void notALeadActionIsMalformed() {
        assertThatThrownBy(() -> RedisForms.decodeLeadAction("{\"uuid\":\"u\"}"))
                .isInstanceOf(MalformedPayloadException.class).hasMessage("not a lead action: {\"uuid\":\"u\"}");
        assertThatThrownBy(() -> RedisForms.decodeLeadAction("{oops"))
                .isInstanceOf(MalformedPayloadException.class).hasMessage("not a lead action: {oops");
    }
}
