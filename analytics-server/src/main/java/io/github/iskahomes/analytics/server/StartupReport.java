package io.github.iskahomes.analytics.server;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Prints, once the server listens, the address it really listens on (the port the system picked for port 0), its
 * Redis URL and its JDBC URL, so scripts and people can point other programs at them.
 */
@Component
public class StartupReport implements ApplicationListener<WebServerInitializedEvent> {
    private final Environment environment;
    private final PrintStream out = System.out;
    private final List<String> printed = new CopyOnWriteArrayList<>();

    StartupReport(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        String host = environment.getProperty("server.address", "127.0.0.1");
        String base = "http://" + host + ":" + event.getWebServer().getPort();
        print(String.format("Analytics server listening on %s/ (dashboard), %s/openapi.json, %s/actuator/health",
                base, base, base));
        print("Redis      " + environment.getProperty("analytics.redis.url"));
        print("PostgreSQL " + environment.getProperty("spring.datasource.url"));
    }

    private void print(String line) {
        printed.add(line);
        out.println(line);
    }

    /** What it printed, for the tests. */
    public List<String> printed() {
        return List.copyOf(printed);
    }
}
