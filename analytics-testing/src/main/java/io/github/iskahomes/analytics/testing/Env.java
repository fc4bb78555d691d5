package io.github.iskahomes.analytics.testing;

/** Reads the override settings: an environment variable, or a system property of the same name. */
final class Env {

    static final String REDIS_URL = "ANALYTICS_REDIS_URL";
    static final String REDIS_CLUSTER_URL = "ANALYTICS_REDIS_CLUSTER_URL";
    static final String JDBC_URL = "ANALYTICS_JDBC_URL";
    static final String JDBC_USER = "ANALYTICS_JDBC_USER";
    static final String JDBC_PASSWORD = "ANALYTICS_JDBC_PASSWORD";

    private Env() {
    }

    /** The value, or null when unset or blank. */
    static String get(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            value = System.getenv(name);
        }
        return value == null || value.isBlank() ? null : value.trim();
    }

    static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("could not find a free TCP port", e);
        }
    }
}
