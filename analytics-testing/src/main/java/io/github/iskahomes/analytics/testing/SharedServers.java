package io.github.iskahomes.analytics.testing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-JVM servers behind the extensions: each is started lazily on first use and stopped by one JVM shutdown
 * hook, so every test class in a surefire fork shares one Redis, one Cluster and one PostgreSQL. Under JUnit the
 * extensions also stop them when the whole test plan ends (root store), which is more reliable than the hook: a
 * surefire fork may be halted before a slow hook has deleted the data directories.
 */
final class SharedServers {

    private static final Logger log = LoggerFactory.getLogger(SharedServers.class);

    private static EmbeddedRedisServer redis;
    private static EmbeddedRedisCluster cluster;
    private static EmbeddedPostgresServer postgres;
    private static boolean hookInstalled;

    private SharedServers() {
    }

    static synchronized EmbeddedRedisServer redis() {
        if (redis == null) {
            installHook();
            redis = EmbeddedRedisServer.start();
        }
        return redis;
    }

    static synchronized EmbeddedRedisCluster cluster() {
        if (cluster == null) {
            installHook();
            cluster = EmbeddedRedisCluster.start();
        }
        return cluster;
    }

    static synchronized EmbeddedPostgresServer postgres() {
        if (postgres == null) {
            installHook();
            postgres = EmbeddedPostgresServer.start();
        }
        return postgres;
    }

    private static void installHook() {
        if (hookInstalled) {
            return;
        }
        hookInstalled = true;
        Runtime.getRuntime().addShutdownHook(new Thread(SharedServers::closeAll, "analytics-testing-servers-stop"));
    }

    /** Stops every started server and forgets it; a later use starts a new one. */
    static synchronized void closeAll() {
        for (AutoCloseable server : new AutoCloseable[] {redis, cluster, postgres}) {
            if (server == null) {
                continue;
            }
            try {
                server.close();
            } catch (Exception e) {
                log.warn("could not stop {}: {}", server, e.toString());
            }
        }
        redis = null;
        cluster = null;
        postgres = null;
    }
}
