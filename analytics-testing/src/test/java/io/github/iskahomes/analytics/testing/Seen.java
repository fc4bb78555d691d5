package io.github.iskahomes.analytics.testing;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** What test classes observed, to check that classes of one JVM share servers and never share isolation. */
final class Seen {
    static final Set<String> REDIS_PREFIXES = ConcurrentHashMap.newKeySet();
    static final Set<String> SCHEMAS = ConcurrentHashMap.newKeySet();
    static final Set<Integer> REDIS_PORTS = ConcurrentHashMap.newKeySet();
    static final Set<Integer> POSTGRES_PORTS = ConcurrentHashMap.newKeySet();
    static final Set<String> CLUSTER_URIS = ConcurrentHashMap.newKeySet();

    private Seen() {
    }
}
