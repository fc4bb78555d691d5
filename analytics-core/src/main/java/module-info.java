/**
 * The event vocabulary, validation, JSON codec, calendar and metric contract the analytics modules share.
 * {@code core.internal} is exported to the analytics modules only: it is their plumbing, not an application API.
 */
module io.github.iskahomes.analytics.core {
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j; // Listeners logs a listener's exception

    exports io.github.iskahomes.analytics.core;
    exports io.github.iskahomes.analytics.core.internal to
            io.github.iskahomes.analytics.redis,
            io.github.iskahomes.analytics.jdbc,
            io.github.iskahomes.analytics.batcher;
}
