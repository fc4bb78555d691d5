package io.github.iskahomes.analytics.examples;

import io.github.iskahomes.analytics.examples.server.AnalyticsServer;
import io.github.iskahomes.analytics.examples.server.ServerSettings;
import io.github.iskahomes.analytics.jdbc.Aggregator;
import io.github.iskahomes.analytics.jdbc.AggregatorConfig;
import io.github.iskahomes.analytics.jdbc.AnalyticsQueries;
import io.github.iskahomes.analytics.jdbc.Leads;
import io.github.iskahomes.analytics.jdbc.SalesLedger;
import io.github.iskahomes.analytics.jdbc.Schema;
import io.github.iskahomes.analytics.redis.Ingestor;
import io.github.iskahomes.analytics.redis.IngestorConfig;
import java.io.IOException;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;

/**
 * Everything a host app wires, in one place for the demo and the server: the ingestor and its HTTP handler, the schema,
 * the aggregator, the dashboard queries, the sales ledger and the leads API, served over HTTP.
 */
public final class Pipeline implements AutoCloseable {
    private final Infrastructure infrastructure;
    private final Ingestor ingestor;
    private final Jdbi jdbi;
    private final Aggregator aggregator;
    private final AnalyticsQueries queries;
    private final SalesLedger ledger;
    private final Leads leads;
    private final AnalyticsServer server;

    private Pipeline(Infrastructure infrastructure, IngestorConfig config, ServerSettings settings) throws IOException {
        this.infrastructure = infrastructure;
        this.ingestor = Ingestor.connect(infrastructure.redisUri(), config);
        DataSource dataSource = infrastructure.dataSource();
        this.jdbi = Jdbi.create(dataSource).installPlugin(new PostgresPlugin());
        Schema.migrate(jdbi);
        this.aggregator = Aggregator.create(jdbi, ingestor.reader(), AggregatorConfig.defaults());
        this.queries = AnalyticsQueries.create(jdbi, ingestor.reader()::unionCount);
        this.ledger = SalesLedger.create(jdbi, config.calendar());
        this.leads = Leads.create(jdbi);
        try {
            this.server = AnalyticsServer.start(settings, ingestor, aggregator, queries);
        } catch (IOException | RuntimeException e) {
            ingestor.close();
            throw e;
        }
    }

    /** Starts the pipeline on {@code infrastructure}, serving on 127.0.0.1; {@code port} 0 picks a free port. */
    public static Pipeline start(Infrastructure infrastructure, IngestorConfig config, int port) throws IOException {
        return new Pipeline(infrastructure, config, ServerSettings.defaults().withPort(port));
    }

    /** Starts the pipeline on {@code infrastructure}, serving as {@code settings} say. */
    public static Pipeline start(Infrastructure infrastructure, IngestorConfig config, ServerSettings settings)
            throws IOException {
        return new Pipeline(infrastructure, config, settings);
    }

    public Infrastructure infrastructure() {
        return infrastructure;
    }

    public Ingestor ingestor() {
        return ingestor;
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public Aggregator aggregator() {
        return aggregator;
    }

    public AnalyticsQueries queries() {
        return queries;
    }

    public SalesLedger ledger() {
        return ledger;
    }

    public Leads leads() {
        return leads;
    }

    public AnalyticsServer server() {
        return server;
    }

    public int port() {
        return server.port();
    }

    /** The base URL a client on this machine connects to, such as {@code http://127.0.0.1:8080}. */
    public String baseUrl() {
        return server.localUrl();
    }

    public String ingestUrl() {
        return baseUrl() + "/api/ingest/posthog";
    }

    /** The token the cron and read endpoints require ({@code Authorization: Bearer <token>}). */
    public String adminToken() {
        return server.adminToken();
    }

    @Override
    public void close() {
        server.close();
        ingestor.close();
    }
}
