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

    /** Starts one server on a port and in a fresh directory; throws when that attempt failed. */
    interface Launcher<T> {
        T launch(int port, java.nio.file.Path dir) throws java.io.IOException;
    }

    /**
     * Starts a server on a free port with its own temporary directory, trying fresh ports a few times: another process
     * may take a port between our probe and the server binding it. A failed attempt's directory is deleted.
     */
    static <T> T startOnFreePort(String what, String dirPrefix, int attempts, Launcher<T> launcher) {
        Exception last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            int port = freePort();
            java.nio.file.Path dir = null;
            try {
                dir = java.nio.file.Files.createTempDirectory(dirPrefix + port + "-");
                return launcher.launch(port, dir);
            } catch (java.io.IOException | RuntimeException e) {
                last = e;
                org.slf4j.LoggerFactory.getLogger(Env.class).warn("{} failed to start on port {} (attempt {}/{}): {}",
                        what, port, attempt, attempts, e.toString());
                EmbeddedRedisServer.deleteQuietly(dir);
            }
        }
        throw new IllegalStateException("could not start an " + what + " server", last);
    }
}
