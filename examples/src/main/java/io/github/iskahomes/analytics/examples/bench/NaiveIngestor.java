package io.github.iskahomes.analytics.examples.bench;

import io.github.iskahomes.analytics.core.internal.CalendarParts;
import io.github.iskahomes.analytics.core.internal.Mutation;
import io.github.iskahomes.analytics.core.internal.MutationPlan;
import io.github.iskahomes.analytics.redis.internal.RedisForms;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * The seed's ingestion loop, for comparison only: every mutation is one blocking Redis command followed by a blocking
 * {@code EXPIRE} of 7 days ({@code incrWithTTL}, {@code pfAddWithTTL}), one round trip each, and no deduplication.
 * Same plans and key names as the real ingestor, so both do the same logical work.
 */
final class NaiveIngestor {
    private static final long TTL_SECONDS = 7 * 24 * 3600;
    private final RedisCommands<String, String> redis;
    private final String prefix;

    NaiveIngestor(RedisCommands<String, String> redis, String prefix) {
        this.redis = redis;
        this.prefix = prefix;
    }

    void apply(MutationPlan plan) {
        String day = CalendarParts.dayKey(plan.day());
        for (Mutation mutation : plan.mutations()) {
            String key;
            if (mutation instanceof Mutation.Increment m) {
                key = key(RedisForms.keyName(m.entity().kind()), m.entity().id(), day, m.metric());
                redis.incrby(key, m.by());
            } else if (mutation instanceof Mutation.UniqueAdd m) {
                key = key(RedisForms.keyName(m.entity().kind()), m.entity().id(), day, m.metric());
                redis.pfadd(key, m.member());
            } else if (mutation instanceof Mutation.MetadataSet m) {
                key = key(RedisForms.keyName(m.entity().kind()), m.entity().id(), day, "meta");
                redis.hset(key, m.field(), m.value());
            } else if (mutation instanceof Mutation.IndexAdd m) {
                key = prefix + "index:" + RedisForms.keyName(m.entity().kind()) + ":{" + day + "}";
                redis.sadd(key, m.entity().id());
            } else if (mutation instanceof Mutation.LeadActionAppend m) {
                key = prefix + "lead:{" + m.lead().listingId() + "}:{" + m.lead().seekerId() + "}:actions";
                redis.rpush(key, RedisForms.encodeLeadAction(m.action()));
            } else if (mutation instanceof Mutation.LeadMetadataSet m) {
                key = prefix + "lead:{" + m.lead().listingId() + "}:{" + m.lead().seekerId() + "}:metadata";
                redis.hset(key, m.field(), m.value());
            } else if (mutation instanceof Mutation.EventCounted m) {
                key = prefix + "events:{" + day + "}";
                redis.hincrby(key, m.type().wireName(), 1);
            } else {
                throw new IllegalStateException("unknown mutation " + mutation);
            }
            redis.expire(key, TTL_SECONDS);
        }
    }

    private String key(String kind, String id, String day, String metric) {
        return prefix + kind + ":{" + id + "}:day:" + day + ":" + metric;
    }
}
