/** Tracking from the host app: the event batcher, its sinks (HTTP ingest, in-process ingestor, PostHog) and Tracker. */
module io.github.iskahomes.analytics.batcher {
    requires transitive io.github.iskahomes.analytics.core;
    requires java.net.http;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports io.github.iskahomes.analytics.batcher;
}
