package io.github.iskahomes.analytics.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iskahomes.analytics.core.BusinessCalendar;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The builders of {@link IngestorConfig} and {@link IngestHandlerConfig}: documented defaults, copies, errors. */
class ConfigBuildersTest {

    @Test
    void ingestorDefaultsAreTheDocumentedOnes() {
        assertThat(IngestorConfig.defaults()).isEqualTo(IngestorConfig.builder().build())
                .isEqualTo(new IngestorConfig("", BusinessCalendar.UTC, Duration.ofDays(7), Duration.ofHours(1),
                        32 * 1024, 100, 1000, Duration.ofSeconds(2), 16, IngestorListener.NONE));
    }

    @Test
    void toBuilderChangesOnlyWhatIsSet() {
        IngestorConfig shop = IngestorConfig.builder().keyPrefix("shop1:").zone(ZoneId.of("Africa/Lagos"))
                .indexShards(4).build();
        IngestorConfig copy = shop.toBuilder().retention(Duration.ofDays(3)).build();
        assertThat(copy).isEqualTo(new IngestorConfig("shop1:", new BusinessCalendar(ZoneId.of("Africa/Lagos")),
                Duration.ofDays(3), Duration.ofHours(1), 32 * 1024, 100, 1000, Duration.ofSeconds(2), 4,
                IngestorListener.NONE));
        assertThat(shop.retention()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void buildNamesTheSettingThatIsOutOfRange() {
        assertThatThrownBy(() -> IngestorConfig.builder().indexShards(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("indexShards must be positive, was 0");
        assertThatThrownBy(() -> IngestorConfig.builder().commandTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("commandTimeout must be positive, was PT0S");
        assertThatThrownBy(() -> IngestorConfig.builder().keyPrefix("{shop}:").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("keyPrefix must not contain '{' or '}' (they are Redis Cluster hash tags): {shop}:");
        assertThatThrownBy(() -> IngestorConfig.builder().retention(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("retention must be positive, was PT0S");
    }

    @Test
    void handlerDefaultsAreTheDocumentedOnes() {
        assertThat(IngestHandlerConfig.defaults()).isEqualTo(IngestHandlerConfig.builder().build())
                .isEqualTo(new IngestHandlerConfig(null, 5L * 1024 * 1024, Duration.ofSeconds(5), List.of("*"),
                        Duration.ofHours(2)));
    }

    @Test
    void handlerCopiesKeepTheSecretAndHideItWhenPrinted() {
        IngestHandlerConfig http = IngestHandlerConfig.builder().webhookSecret("s3cret").maxBodyBytes(64 * 1024)
                .build();
        IngestHandlerConfig copy = http.toBuilder().allowedOrigins("https://WWW.example.com/").build();
        assertThat(copy).isEqualTo(new IngestHandlerConfig("s3cret", 64 * 1024, Duration.ofSeconds(5),
                List.of("https://www.example.com"), Duration.ofHours(2)));
        assertThat(copy.toString()).isEqualTo("IngestHandlerConfig[webhookSecret=***, maxBodyBytes=65536,"
                + " retryAfter=PT5S, allowedOrigins=[https://www.example.com], corsMaxAge=PT2H]");
        assertThat(IngestHandlerConfig.builder().webhookSecret("").build().webhookSecret()).isNull();
    }

    @Test
    void handlerBuildNamesTheSettingThatIsOutOfRange() {
        assertThatThrownBy(() -> IngestHandlerConfig.builder().maxBodyBytes(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxBodyBytes must be positive, was 0");
        assertThatThrownBy(() -> IngestHandlerConfig.builder().retryAfter(Duration.ofSeconds(-1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("retryAfter must be positive, was PT-1S");
        assertThatThrownBy(() -> IngestHandlerConfig.builder().allowedOrigins("www.example.com/shop").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("allowed origin \"www.example.com/shop\" is not an origin like https://www.example.com"
                        + " (scheme, host and port only)");
    }
}
