package io.github.iskahomes.analytics.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.iskahomes.analytics.core.internal.Ids;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The id rule, lister types and lead references. */
class ValuesTest {

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', value = {
            "a|",
            "listing-123_ABC.x:y/z@é|",
            "😀|",
            "é" + "|"})
    void validIdsHaveNoProblem(String id, String problem) {
        assertThat(Ids.problem("listing_id", id)).isNull();
    }

    @Test
    void idProblems() {
        assertThat(Ids.problem("listing_id", null)).isEqualTo("listing_id is empty");
        assertThat(Ids.problem("listing_id", "")).isEqualTo("listing_id is empty");
        assertThat(Ids.problem("listing_id", "x".repeat(128))).isNull();
        assertThat(Ids.problem("listing_id", "x".repeat(129)))
                .isEqualTo("listing_id is 129 characters long; ids may be at most 128");
        assertThat(Ids.problem("uuid", "a{"))
                .isEqualTo("uuid has '{', which ids may not contain");
        assertThat(Ids.problem("uuid", "}a"))
                .isEqualTo("uuid has '}', which ids may not contain");
        assertThat(Ids.problem("x", "a\nb"))
                .isEqualTo("x has a whitespace character at position 2, which ids may not contain");
        assertThat(Ids.problem("x", "ab\u2028"))
                .isEqualTo("x has a whitespace character at position 3, which ids may not contain");
        assertThat(Ids.problem("x", "\u0000"))
                .isEqualTo("x has the control character U+0000 at position 1, which ids may not contain");
        assertThat(Ids.problem("x", "ab\u0085"))
                .isEqualTo("x has the control character U+0085 at position 3, which ids may not contain");
        assertThat(Ids.problem("x", "a\u001b[0m"))
                .isEqualTo("x has the control character U+001B at position 2, which ids may not contain");
        // the first problem is reported
        assertThat(Ids.problem("x", "a b{"))
                .isEqualTo("x has a whitespace character at position 2, which ids may not contain");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"developer, DEVELOPER", "AGENT, AGENT", "Agency, AGENCY", "property_manager, PROPERTY_MANAGER",
            "PROPERTY_MANAGER, PROPERTY_MANAGER"})
    void listerTypesParseCaseInsensitively(String name, ListerType expected) {
        assertThat(ListerType.fromWireName(name)).contains(expected);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"", "property-manager", "propertymanager", "broker", " agent"})
    void unknownListerTypesAreEmpty(String name) {
        assertThat(ListerType.fromWireName(name)).isEmpty();
    }

    @Test
    void listerTypeNames() {
        assertThat(ListerType.fromWireName(null)).isEqualTo(Optional.empty());
        assertThat(ListerType.NAMES).isEqualTo("developer, agent, agency, property_manager");
        assertThat(ListerType.PROPERTY_MANAGER.wireName()).isEqualTo("property_manager");
    }

    @Test
    void storeUnavailableNamesTheStore() {
        StoreUnavailableException e = new StoreUnavailableException("Redis at redis://10.0.0.5:6379", "connection refused",
                new java.net.ConnectException("refused"));
        assertThat(e).hasMessage("Redis at redis://10.0.0.5:6379 is unavailable: connection refused")
                .hasCauseInstanceOf(java.net.ConnectException.class).isInstanceOf(AnalyticsException.class);
        assertThat(e.store()).isEqualTo("Redis at redis://10.0.0.5:6379");
    }
}
