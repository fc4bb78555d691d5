package io.github.iskahomes.analytics.redis;

import io.github.iskahomes.analytics.core.AnalyticsException;
import io.github.iskahomes.analytics.core.StoreUnavailableException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.AsyncExecutions;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One dedicated Lettuce connection (standalone or Cluster) with auto-flush off, so that each call's commands leave
 * in one write. Every user of this connection flushes after queueing, so concurrent callers never strand each
 * other's commands. Maps Lettuce failures to the library's exceptions, naming the server. Thread-safe.
 */
final class RedisStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisStore.class);
    /** How often a waiting caller flushes again: Lettuce may drop a flush aimed at a Cluster node still connecting. */
    private static final long REFLUSH_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final String server;
    private final StatefulConnection<String, String> connection;
    private final RedisClusterAsyncCommands<String, String> async;
    private final Duration timeout;
    private final List<AutoCloseable> owned;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final boolean cluster;

    private RedisStore(String server, StatefulConnection<String, String> connection,
                       RedisClusterAsyncCommands<String, String> async, Duration timeout, List<AutoCloseable> owned) {
        this.server = server;
        this.connection = connection;
        this.async = async;
        this.timeout = timeout;
        this.owned = owned;
        this.cluster = connection instanceof io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
        connection.setTimeout(timeout);
        connection.setAutoFlushCommands(false);
    }

    static RedisStore standalone(RedisClient client, RedisURI uri, Duration timeout, List<AutoCloseable> owned) {
        String server = "Redis at " + describe(uri);
        try {
            var connection = client.connect(Utf8Codec.INSTANCE, uri);
            owned.add(0, connection);
            return new RedisStore(server, connection, connection.async(), timeout, owned);
        } catch (RuntimeException e) {
            closeAll(owned);
            throw unavailable(server, e);
        }
    }

    static RedisStore cluster(RedisClusterClient client, Duration timeout, List<AutoCloseable> owned) {
        String server = "Redis Cluster";
        try {
            var connection = client.connect(Utf8Codec.INSTANCE);
            server = "Redis Cluster at " + client.getPartitions().stream()
                    .map(node -> describe(node.getUri())).sorted().collect(Collectors.joining(","));
            owned.add(0, connection);
            return new RedisStore(server, connection, connection.async(), timeout, owned);
        } catch (RuntimeException e) {
            closeAll(owned);
            throw unavailable(server, e);
        }
    }

    /**
     * Opens a client of our own: {@code redis://…} or {@code rediss://…} for one server, {@code redis-cluster://h1:p1,h2:p2}
     * for a Cluster. Commands fail at once while disconnected (instead of queueing) and reconnection is quick.
     */
    static RedisStore open(String uri, Duration timeout) {
        // No command latency recording: these resources are private, so nobody could read the latencies, and the
        // recording was a measurable share of the client's time per batch (a map lookup and a histogram per command).
        ClientResources resources = DefaultClientResources.builder()
                .commandLatencyRecorder(CommandLatencyRecorder.disabled())
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        List<AutoCloseable> owned = new ArrayList<>();
        owned.add(() -> resources.shutdown(0, 2, TimeUnit.SECONDS).get());
        int schemeEnd = uri.indexOf("://");
        String scheme = schemeEnd < 0 ? "" : uri.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        TimeoutOptions timeouts = TimeoutOptions.enabled(timeout);
        try {
            if (scheme.contains("cluster")) {
                String rest = uri.substring(schemeEnd + 3);
                int at = rest.lastIndexOf('@');
                String userInfo = at < 0 ? "" : rest.substring(0, at + 1);
                String base = scheme.startsWith("rediss") ? "rediss://" : "redis://";
                List<RedisURI> nodes = new ArrayList<>();
                for (String host : rest.substring(at + 1).split(",")) {
                    nodes.add(RedisURI.create(base + userInfo + host.trim()));
                }
                RedisClusterClient client = RedisClusterClient.create(resources, nodes);
                owned.add(0, client::shutdown);
                client.setOptions(ClusterClientOptions.builder()
                        .autoReconnect(true)
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .timeoutOptions(timeouts)
                        .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                                .enableAllAdaptiveRefreshTriggers().build())
                        .build());
                return cluster(client, timeout, owned);
            }
            RedisURI redisUri = RedisURI.create(uri);
            redisUri.setTimeout(timeout);
            RedisClient client = RedisClient.create(resources);
            owned.add(0, client::shutdown);
            client.setOptions(ClientOptions.builder()
                    .autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .timeoutOptions(timeouts)
                    .build());
            return standalone(client, redisUri, timeout, owned);
        } catch (IllegalArgumentException e) {
            closeAll(owned);
            throw new IllegalArgumentException("not a Redis URI: " + uri + " (" + e.getMessage() + ")", e);
        }
    }

    /** Whether this is a Redis Cluster, where a script's keys must share one hash slot. */
    boolean isCluster() {
        return cluster;
    }

    String server() {
        return server;
    }

    RedisClusterAsyncCommands<String, String> async() {
        return async;
    }

    Duration timeout() {
        return timeout;
    }

    void flush() {
        connection.flushCommands();
    }

    long deadline() {
        return System.nanoTime() + timeout.toNanos();
    }

    /**
     * Waits for a queued command until the deadline, flushing again now and then. Throws the library's exceptions;
     * a {@link RedisNoScriptException} is returned as-is wrapped in {@link NoScript} so callers can reload.
     */
    <T> T await(Future<T> future, long deadline) {
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                future.cancel(false);
                throw new StoreUnavailableException(where(), "no answer within " + timeout.toMillis() + " ms", null);
            }
            try {
                return future.get(Math.min(left, REFLUSH_NANOS), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreUnavailableException(where(), "interrupted while waiting for an answer", e);
            } catch (ExecutionException | CompletionException | CancellationException e) {
                throw translate(e);
            }
        }
    }

    /** Thrown by {@link #await} when Redis does not know a script (after a restart or {@code SCRIPT FLUSH}). */
    static final class NoScript extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NoScript(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    RuntimeException translate(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof RedisNoScriptException
                || (t instanceof RedisCommandExecutionException && String.valueOf(t.getMessage()).startsWith("NOSCRIPT"))) {
            return new NoScript(t);
        }
        if (t instanceof RedisCommandTimeoutException) {
            return new StoreUnavailableException(where(), "no answer within " + timeout.toMillis() + " ms", t);
        }
        if (t instanceof RedisCommandExecutionException) {
            String message = String.valueOf(t.getMessage());
            // A full Redis with maxmemory-policy noeviction refuses writes (inside a script too, before its first
            // write) until memory frees up as days expire: unavailable for now, so the client retries later.
            int oom = message.indexOf("OOM command not allowed");
            if (oom >= 0) {
                return new StoreUnavailableException(where(), message.substring(oom), t);
            }
            for (String transientError : new String[] {"CLUSTERDOWN", "TRYAGAIN", "LOADING", "MASTERDOWN", "READONLY",
                    "BUSY", "MOVED", "ASK"}) {
                if (message.startsWith(transientError)) {
                    return new StoreUnavailableException(where(), message, t);
                }
            }
            return new AnalyticsException(where() + " refused a command: " + message, t);
        }
        if (t instanceof AnalyticsException analytics) {
            return analytics;
        }
        return unavailable(where(), t);
    }

    private String where() {
        return server;
    }

    private static StoreUnavailableException unavailable(String where, Throwable t) {
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return new StoreUnavailableException(where, message, t);
    }

    static String describe(RedisURI uri) {
        if (uri.getSocket() != null) {
            return "unix:" + uri.getSocket();
        }
        return (uri.isSsl() ? "rediss://" : "redis://") + uri.getHost() + ':' + uri.getPort();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            closeAll(owned);
        }
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                log.warn("closing a Redis resource failed", e);
            }
        }
    }

    /**
     * Each server's {@code maxmemory-policy} ({@code null} when a server does not report one), by its description
     * ({@code Redis at redis://host:port}): the one server, or every master of a Cluster. Throws as commands do; on a
     * managed Redis that refuses {@code CONFIG}, an {@link AnalyticsException}.
     */
    Map<String, String> maxmemoryPolicies() {
        Map<String, String> policies = new TreeMap<>();
        if (cluster) {
            AsyncExecutions<Map<String, String>> replies = ((RedisAdvancedClusterAsyncCommands<String, String>) async)
                    .upstream().commands().configGet(MAXMEMORY_POLICY);
            flush();
            long deadline = deadline();
            for (RedisClusterNode node : replies.nodes()) {
                Map<String, String> reply = await(replies.get(node).toCompletableFuture(), deadline);
                policies.put("Redis at " + describe(node.getUri()), reply.get(MAXMEMORY_POLICY));
            }
        } else {
            RedisFuture<Map<String, String>> reply = async.configGet(MAXMEMORY_POLICY);
            flush();
            policies.put(server, await(reply, deadline()).get(MAXMEMORY_POLICY));
        }
        return policies;
    }

    private static final String MAXMEMORY_POLICY = "maxmemory-policy";

    /**
     * Queues {@code EVALSHA} of a call whose reply is a list ({@link ScriptArgs} writes its arguments), or
     * {@code EVAL} when reloading (which also caches the script on that node).
     */
    @SuppressWarnings("unchecked")
    RedisFuture<Object> script(ScriptCall call, boolean load) {
        // The ARGV hold binary heads (Op): both go through ScriptArgs, which writes them as the bytes they are.
        RedisFuture<?> reply = async.dispatch(load ? io.lettuce.core.protocol.CommandType.EVAL
                        : io.lettuce.core.protocol.CommandType.EVALSHA,
                new io.lettuce.core.output.NestedMultiOutput<>(Utf8Codec.INSTANCE),
                load ? ScriptArgs.eval(call) : new ScriptArgs(call));
        return (RedisFuture<Object>) reply;
    }
}
