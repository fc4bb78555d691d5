/**
 * Ingest into Redis (standalone or Cluster, through Lettuce), the HTTP handler for any servlet stack, and the reader
 * the aggregator uses. Lettuce is part of the API (an {@code Ingestor} borrows the host's {@code RedisClient}).
 */
module io.github.iskahomes.analytics.redis {
    requires transitive io.github.iskahomes.analytics.core;
    requires transitive lettuce.core;
    requires io.netty.common; // shutting down the client resources it owns (a netty Future)
    requires io.netty.buffer; // writing a script call's arguments straight into Lettuce's buffer (ScriptArgs)
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports io.github.iskahomes.analytics.redis;
    exports io.github.iskahomes.analytics.redis.internal to io.github.iskahomes.analytics.jdbc;
}
