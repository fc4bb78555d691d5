package io.github.iskahomes.analytics.examples;

import io.github.iskahomes.analytics.examples.demo.Demo;
import io.github.iskahomes.analytics.server.AnalyticsServer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code demo}: the whole pipeline on simulated traffic, verified; exits 0 only when every total matches.
 * {@code serve}: {@code analytics-server} (the ingest, cron, read and dashboard endpoints) kept running for other
 * programs until Ctrl-C; it prints the address it really listens on, its Redis URL and its JDBC URL.
 */
public final class Main {
    /** {@code serve}'s flags and the server property each sets; the environment variables of the server still work. */
    private static final Map<String, String> SERVE_FLAGS = new LinkedHashMap<>();

    static {
        SERVE_FLAGS.put("host", "server.address");
        SERVE_FLAGS.put("port", "server.port");
        SERVE_FLAGS.put("secret", "analytics.ingest.webhook-secret");
        SERVE_FLAGS.put("admin-token", "analytics.web.admin-token");
        SERVE_FLAGS.put("cors-origins", "analytics.ingest.allowed-origins");
        SERVE_FLAGS.put("zone", "analytics.ingest.zone");
        SERVE_FLAGS.put("retention-days", "analytics.ingest.retention");
    }

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length == 0 ? "demo" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (mode) {
            case "demo" -> System.exit(Demo.run(Flags.parse(rest)) ? 0 : 1);
            case "serve" -> serve(Flags.parse(rest));
            default -> {
                System.err.println("usage: Main demo [--events N] [--days N] [--seed N] [--zone Z]");
                System.err.println("       Main serve [--host H] [--port N] [--secret S] [--admin-token T]"
                        + " [--cors-origins O,…] [--zone Z] [--retention-days N]");
                System.exit(2);
            }
        }
    }

    /**
     * Starts {@code analytics-server} on the Redis and PostgreSQL of {@code ANALYTICS_REDIS_URL} /
     * {@code ANALYTICS_JDBC_URL}, or embedded ones that stop with it. Closing the context stops it.
     *
     * @throws IllegalArgumentException for a flag {@code serve} does not know
     */
    public static ConfigurableApplicationContext serve(Flags flags) {
        return AnalyticsServer.run(System.getenv(), serverArguments(flags));
    }

    /** The Spring Boot arguments {@code serve}'s flags stand for. */
    static String[] serverArguments(Flags flags) {
        List<String> args = new ArrayList<>();
        for (Map.Entry<String, String> flag : flags.values().entrySet()) {
            String property = SERVE_FLAGS.get(flag.getKey());
            if (property == null) {
                throw new IllegalArgumentException("serve has no flag --" + flag.getKey() + "; it takes --"
                        + String.join(", --", SERVE_FLAGS.keySet()) + " (and every --analytics.… property of"
                        + " analytics-server, through java -jar analytics-server-exec.jar)");
            }
            String value = flag.getKey().equals("retention-days") ? flag.getValue() + "d" : flag.getValue();
            args.add("--" + property + "=" + value);
        }
        return args.toArray(String[]::new);
    }
}
