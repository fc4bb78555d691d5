package io.github.iskahomes.analytics.examples;

import io.github.iskahomes.analytics.examples.server.AnalyticsServer;
import io.github.iskahomes.analytics.jdbc.Aggregator;
import io.github.iskahomes.analytics.jdbc.AggregatorConfig;
import io.github.iskahomes.analytics.jdbc.AnalyticsQueries;
import io.github.iskahomes.analytics.jdbc.Leads;
import io.github.iskahomes.analytics.jdbc.SalesLedger;
import io.github.iskahomes.analytics.jdbc.Schema;
import io.github.iskahomes.analytics.redis.IngestHandler;
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

    private Pipeline(Infrastructure infrastructure, IngestorConfig config, int port) throws IOException {
        this.infrastructure = infrastructure;
        this.ingestor = Ingestor.connect(infrastructure.redisUri(), config);
        DataSource dataSource = infrastructure.dataSource();
        this.jdbi = Jdbi.create(dataSource).installPlugin(new PostgresPlugin());
        Schema.migrate(jdbi);
        this.aggregator = Aggregator.create(jdbi, ingestor.reader(), AggregatorConfig.defaults());
        this.queries = AnalyticsQueries.create(jdbi, ingestor.reader()::unionCount);
        this.ledger = SalesLedger.create(jdbi, config.calendar());
        this.leads = Leads.create(jdbi);
        this.server = AnalyticsServer.start(port, new IngestHandler(ingestor), aggregator, queries);
    }

    /** Starts the pipeline on {@code infrastructure}; {@code port} 0 picks a free port. */
    public static Pipeline start(Infrastructure infrastructure, IngestorConfig config, int port) throws IOException {
        return new Pipeline(infrastructure, config, port);
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

    public int port() {
        return server.port();
    }

    public String ingestUrl() {
        return "http://127.0.0.1:" + port() + "/api/ingest/posthog";
    }

    @Override
    public void close() {
        server.close();
        ingestor.close();
    }
}
