package io.github.iskahomes.analytics.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Every setting of the analytics auto-configuration, under the prefix {@code analytics}. The defaults are the
 * library's own (the seed's numbers); each one is listed with its description in the generated configuration
 * metadata, so IDEs complete them.
 */
@ConfigurationProperties(prefix = "analytics")
public class AnalyticsProperties {
    private final Redis redis = new Redis();
    private final Ingest ingest = new Ingest();
    private final Web web = new Web();
    private final Schema schema = new Schema();
    private final Aggregation aggregation = new Aggregation();
    private final Batcher batcher = new Batcher();
    private final Health health = new Health();

    /** Where the ingestor's Redis is. */
    public Redis getRedis() {
        return redis;
    }

    /** How events are validated, kept and accepted over HTTP. */
    public Ingest getIngest() {
        return ingest;
    }

    /** The HTTP endpoints. */
    public Web getWeb() {
        return web;
    }

    /** Schema migration at start-up. */
    public Schema getSchema() {
        return schema;
    }

    /** The aggregator and its schedule. */
    public Aggregation getAggregation() {
        return aggregation;
    }

    /** The in-app EventBatcher. */
    public Batcher getBatcher() {
        return batcher;
    }

    /** The Actuator health indicator. */
    public Health getHealth() {
        return health;
    }

    /** Where the ingestor's Redis is. */
    public static class Redis {
        /**
         * Redis URL of the ingestor's own Lettuce client: redis://host:port, rediss://... for TLS, or
         * redis-cluster://host1:port1,host2:port2 for a Redis Cluster. Also names the server when the host's
         * RedisClient bean is used. Without it and without a RedisClient or RedisClusterClient bean, no Ingestor is
         * created.
         */
        private String url;

        /** Whether the URL's hosts are seeds of a Redis Cluster (the same as a redis-cluster:// URL). */
        private boolean cluster;

        public String getUrl() {
            return url;
        }

        public void setUrl(String url) {
            this.url = url;
        }

        public boolean isCluster() {
            return cluster;
        }

        public void setCluster(boolean cluster) {
            this.cluster = cluster;
        }
    }

    /** How events are validated, kept and accepted over HTTP. */
    public static class Ingest {
        /** Prepended to every Redis key, to share one Redis between apps (no braces). */
        private String keyPrefix = "";

        /** The business zone: it decides an event's day and when a day's keys expire. */
        private ZoneId zone = ZoneId.of("UTC");

        /** How long a day's keys live in Redis after the day ends; older events are rejected. */
        private Duration retention = Duration.ofDays(7);

        /** How far in the future an event's timestamp may be. */
        private Duration maxFutureSkew = Duration.ofHours(1);

        /** The most events one ingest call, and so one HTTP request, may carry. */
        private int maxEventsPerRequest = 1000;

        /** How long a call waits for Redis before it fails (then the endpoints answer 503). */
        private Duration commandTimeout = Duration.ofSeconds(2);

        /**
         * The webhook secret the ingest and capture paths require (Authorization: Bearer, X-Webhook-Secret, ?api_key=
         * or PostHog's project key). None by default: anyone may post events.
         */
        private String webhookSecret;

        /** The largest request body, on the wire and after gunzip; larger ones are answered 413. */
        private DataSize maxBodySize = DataSize.ofMegabytes(5);

        /** The Retry-After of a 503 (Redis unavailable). */
        private Duration retryAfter = Duration.ofSeconds(5);

        /** Origins the capture paths answer CORS for; "*" is any origin. Others are refused with 403. */
        private List<String> allowedOrigins = new ArrayList<>(List.of("*"));

        /** How long browsers may cache a CORS preflight of the capture paths. */
        private Duration corsMaxAge = Duration.ofHours(2);

        public String getKeyPrefix() {
            return keyPrefix;
        }

        public void setKeyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
        }

        public ZoneId getZone() {
            return zone;
        }

        public void setZone(ZoneId zone) {
            this.zone = zone;
        }

        public Duration getRetention() {
            return retention;
        }

        public void setRetention(Duration retention) {
            this.retention = retention;
        }

        public Duration getMaxFutureSkew() {
            return maxFutureSkew;
        }

        public void setMaxFutureSkew(Duration maxFutureSkew) {
            this.maxFutureSkew = maxFutureSkew;
        }

        public int getMaxEventsPerRequest() {
            return maxEventsPerRequest;
        }

        public void setMaxEventsPerRequest(int maxEventsPerRequest) {
            this.maxEventsPerRequest = maxEventsPerRequest;
        }

        public Duration getCommandTimeout() {
            return commandTimeout;
        }

        public void setCommandTimeout(Duration commandTimeout) {
            this.commandTimeout = commandTimeout;
        }

        public String getWebhookSecret() {
            return webhookSecret;
        }

        public void setWebhookSecret(String webhookSecret) {
            this.webhookSecret = webhookSecret;
        }

        public DataSize getMaxBodySize() {
            return maxBodySize;
        }

        public void setMaxBodySize(DataSize maxBodySize) {
            this.maxBodySize = maxBodySize;
        }

        public Duration getRetryAfter() {
            return retryAfter;
        }

        public void setRetryAfter(Duration retryAfter) {
            this.retryAfter = retryAfter;
        }

        public List<String> getAllowedOrigins() {
            return allowedOrigins;
        }

        public void setAllowedOrigins(List<String> allowedOrigins) {
            this.allowedOrigins = allowedOrigins;
        }

        public Duration getCorsMaxAge() {
            return corsMaxAge;
        }

        public void setCorsMaxAge(Duration corsMaxAge) {
            this.corsMaxAge = corsMaxAge;
        }
    }

    /** The HTTP endpoints (Spring MVC). */
    public static class Web {
        /** Whether the ingest, capture, cron and read endpoints are served. */
        private boolean enabled = true;

        /** The ingest path: every body form of IngestHandler, with CORS. */
        private String ingestPath = "/api/ingest/posthog";

        /**
         * PostHog's capture paths, served like the ingest path so PostHog SDKs can point here unchanged (each also
         * with a trailing slash). An empty list serves none.
         */
        private List<String> capturePaths = new ArrayList<>(List.of("/batch", "/capture", "/e", "/i/v0/e", "/track"));

        /** The admin path that runs the aggregator (POST). */
        private String cronPath = "/api/cron/analytics";

        /**
         * The root of the read endpoints: {root}/listings|listers|developments/{id} and {root}/top-listings (GET).
         */
        private String readPath = "/api/analytics";

        /**
         * The admin token of the cron and read paths (Authorization: Bearer), used only when Spring Security is not
         * on the classpath. When unset, a random one is generated at start-up and logged once. Must differ from the
         * webhook secret.
         */
        private String adminToken;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getIngestPath() {
            return ingestPath;
        }

        public void setIngestPath(String ingestPath) {
            this.ingestPath = ingestPath;
        }

        public List<String> getCapturePaths() {
            return capturePaths;
        }

        public void setCapturePaths(List<String> capturePaths) {
            this.capturePaths = capturePaths;
        }

        public String getCronPath() {
            return cronPath;
        }

        public void setCronPath(String cronPath) {
            this.cronPath = cronPath;
        }

        public String getReadPath() {
            return readPath;
        }

        public void setReadPath(String readPath) {
            this.readPath = readPath;
        }

        public String getAdminToken() {
            return adminToken;
        }

        public void setAdminToken(String adminToken) {
            this.adminToken = adminToken;
        }
    }

    /** Schema migration at start-up. */
    public static class Schema {
        /** Whether Schema.migrate runs over the host's DataSource at start-up (versioned, idempotent, additive). */
        private boolean migrate = true;

        public boolean isMigrate() {
            return migrate;
        }

        public void setMigrate(boolean migrate) {
            this.migrate = migrate;
        }
    }

    /** The aggregator and its schedule. */
    public static class Aggregation {
        /** How many entities are read from Redis and written to PostgreSQL at a time. */
        private int chunkSize = 1000;

        private final Schedule schedule = new Schedule();

        public int getChunkSize() {
            return chunkSize;
        }

        public void setChunkSize(int chunkSize) {
            this.chunkSize = chunkSize;
        }

        /** When the aggregator runs on its own. */
        public Schedule getSchedule() {
            return schedule;
        }
    }

    /** When the aggregator runs on its own. */
    public static class Schedule {
        /**
         * Whether this instance runs the aggregator on the cron. Several instances may all run it (the advisory lock
         * lets one work at a time); switch it off on all but one to save the attempts.
         */
        private boolean enabled = true;

        /** Spring cron expression (second minute hour day month weekday) of the runs: hourly by default. */
        private String cron = "0 0 * * * *";

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getCron() {
            return cron;
        }

        public void setCron(String cron) {
            this.cron = cron;
        }
    }

    /** The in-app EventBatcher. */
    public static class Batcher {
        /** Whether an EventBatcher bean is created. */
        private boolean enabled = true;

        /**
         * A remote ingest endpoint (https://analytics.example.com/api/ingest/posthog) to send to instead of the
         * in-process Ingestor.
         */
        private URI remoteUrl;

        /** The webhook secret sent to the remote ingest endpoint (X-Webhook-Secret). */
        private String remoteSecret;

        /** A PostHog project API key: when set, every event is also sent to PostHog. */
        private String posthogApiKey;

        /** PostHog's host (https://eu.i.posthog.com or a self-hosted one). */
        private URI posthogHost = URI.create("https://us.i.posthog.com");

        /** A sink sends as soon as this many events are queued. */
        private int flushAt = 200;

        /** A sink sends at least this often while it has events. */
        private Duration flushInterval = Duration.ofSeconds(3);

        /** The most events queued per sink; beyond it new events are dropped and counted. */
        private int maxQueueSize = 10_000;

        /** How long closing (at shutdown) waits for the queues to drain. */
        private Duration closeTimeout = Duration.ofSeconds(5);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public URI getRemoteUrl() {
            return remoteUrl;
        }

        public void setRemoteUrl(URI remoteUrl) {
            this.remoteUrl = remoteUrl;
        }

        public String getRemoteSecret() {
            return remoteSecret;
        }

        public void setRemoteSecret(String remoteSecret) {
            this.remoteSecret = remoteSecret;
        }

        public String getPosthogApiKey() {
            return posthogApiKey;
        }

        public void setPosthogApiKey(String posthogApiKey) {
            this.posthogApiKey = posthogApiKey;
        }

        public URI getPosthogHost() {
            return posthogHost;
        }

        public void setPosthogHost(URI posthogHost) {
            this.posthogHost = posthogHost;
        }

        public int getFlushAt() {
            return flushAt;
        }

        public void setFlushAt(int flushAt) {
            this.flushAt = flushAt;
        }

        public Duration getFlushInterval() {
            return flushInterval;
        }

        public void setFlushInterval(Duration flushInterval) {
            this.flushInterval = flushInterval;
        }

        public int getMaxQueueSize() {
            return maxQueueSize;
        }

        public void setMaxQueueSize(int maxQueueSize) {
            this.maxQueueSize = maxQueueSize;
        }

        public Duration getCloseTimeout() {
            return closeTimeout;
        }

        public void setCloseTimeout(Duration closeTimeout) {
            this.closeTimeout = closeTimeout;
        }
    }

    /** The Actuator health indicator. */
    public static class Health {
        /**
         * The health turns DOWN when the last successful aggregation of this instance's schedule is older than
         * this (or, before the first one, when the application started longer ago than this).
         */
        private Duration maxAggregationAge = Duration.ofHours(2);

        public Duration getMaxAggregationAge() {
            return maxAggregationAge;
        }

        public void setMaxAggregationAge(Duration maxAggregationAge) {
            this.maxAggregationAge = maxAggregationAge;
        }
    }
}
