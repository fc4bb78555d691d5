/**
 * The PostgreSQL side: schema migrations, the aggregator, the sales ledger, the leads API and the dashboard queries.
 * Jdbi and {@code java.sql} are part of the API (the host passes its {@code Jdbi} or {@code DataSource}); the
 * PostgreSQL driver is required so that a module-path application needs no {@code --add-modules} for it.
 */
module io.github.iskahomes.analytics.jdbc {
    requires transitive io.github.iskahomes.analytics.redis;
    requires transitive java.sql;
    requires transitive org.jdbi.v3.core;
    requires org.jdbi.v3.postgres;
    // Jdbi is an automatic module and cannot say it needs geantyref, an explicit one nothing else would resolve.
    requires io.leangen.geantyref;
    requires org.postgresql.jdbc;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports io.github.iskahomes.analytics.jdbc;
}
