package io.github.iskahomes.analytics.examples;

import io.github.iskahomes.analytics.autoconfigure.web.AdminAccess;
import io.github.iskahomes.analytics.jdbc.Aggregator;
import io.github.iskahomes.analytics.jdbc.AnalyticsQueries;
import io.github.iskahomes.analytics.jdbc.Leads;
import io.github.iskahomes.analytics.jdbc.SalesLedger;
import io.github.iskahomes.analytics.redis.Ingestor;
import io.github.iskahomes.analytics.redis.IngestorConfig;
import io.github.iskahomes.analytics.server.AnalyticsServer;
import io.github.iskahomes.analytics.server.BackingStores;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The demo's and the tests' pipeline: {@code analytics-server} started in this JVM on port {@code port} of 127.0.0.1
 * with the given Redis and PostgreSQL, and its beans (the ingestor, the aggregator, the dashboard queries, the sales
 * ledger, the leads API) at hand, so what the demo checks in-process is exactly what the server serves over HTTP.
 * The aggregation schedule is off: the demo and the tests run the aggregation when they choose.
 */
public final class Pipeline implements AutoCloseable {
    private final BackingStores stores;
    private final ConfigurableApplicationContext context;
    private final Jdbi jdbi;
    private final int port;

    private Pipeline(BackingStores stores, ConfigurableApplicationContext context) {
        this.stores = stores;
        this.context = context;
        this.jdbi = Jdbi.create(context.getBean(DataSource.class)).installPlugin(new PostgresPlugin());
        this.port = ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    /**
     * Starts the server on {@code stores} (which the caller closes, after this), its ingestor set up as
     * {@code config} says (key prefix, zone, retention, skew, batch size, command timeout); {@code port} 0 picks a
     * free port.
     */
    public static Pipeline start(BackingStores stores, IngestorConfig config, int port) {
        List<String> args = new ArrayList<>(List.of(
                "--server.address=127.0.0.1",
                "--server.port=" + port,
                "--spring.main.banner-mode=off",
                "--analytics.aggregation.schedule.enabled=false",
                "--analytics.ingest.key-prefix=" + config.keyPrefix(),
                "--analytics.ingest.zone=" + config.calendar().zone().getId(),
                "--analytics.ingest.retention=" + config.retention().toSeconds() + "s",
                "--analytics.ingest.max-future-skew=" + config.maxFutureSkew().toSeconds() + "s",
                "--analytics.ingest.max-events-per-request=" + config.maxEventsPerRequest(),
                "--analytics.ingest.command-timeout=" + config.commandTimeout().toMillis() + "ms"));
        return new Pipeline(stores, AnalyticsServer.start(stores, args.toArray(String[]::new)));
    }

    public BackingStores stores() {
        return stores;
    }

    /** The running server's Spring context. */
    public ConfigurableApplicationContext context() {
        return context;
    }

    public Ingestor ingestor() {
        return context.getBean(Ingestor.class);
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public Aggregator aggregator() {
        return context.getBean(Aggregator.class);
    }

    public AnalyticsQueries queries() {
        return context.getBean(AnalyticsQueries.class);
    }

    public SalesLedger ledger() {
        return context.getBean(SalesLedger.class);
    }

    public Leads leads() {
        return context.getBean(Leads.class);
    }

    public int port() {
        return port;
    }

    /** The base URL a client on this machine connects to, such as {@code http://127.0.0.1:8080}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public String ingestUrl() {
        return baseUrl() + "/api/ingest/posthog";
    }

    /** The token the cron and read endpoints require ({@code Authorization: Bearer <token>}). */
    public String adminToken() {
        return context.getBean(AdminAccess.class).adminToken();
    }

    /** Stops the server (gracefully); the stores stay up for their owner to close. */
    @Override
    public void close() {
        context.close();
    }
}
