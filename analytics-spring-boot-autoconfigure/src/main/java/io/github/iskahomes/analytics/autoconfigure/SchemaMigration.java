package io.github.iskahomes.analytics.autoconfigure;

import io.github.iskahomes.analytics.jdbc.Schema;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;

/**
 * Runs {@link Schema#migrate(DataSource)} over the host's data source when the context starts, before any analytics
 * bean that reads or writes PostgreSQL is made. Switch it off with {@code analytics.schema.migrate=false} (then run
 * the migrations yourself; the aggregator refuses an older schema with a clear error).
 */
public final class SchemaMigration implements InitializingBean {
    private static final Logger log = LoggerFactory.getLogger(SchemaMigration.class);

    private final DataSource dataSource;
    private volatile List<Integer> applied = List.of();

    /** A migration of {@code dataSource}, run by {@link #afterPropertiesSet()}. */
    public SchemaMigration(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * Migrates.
     *
     * @throws io.github.iskahomes.analytics.core.StoreUnavailableException if PostgreSQL is unavailable
     */
    @Override
    public void afterPropertiesSet() {
        applied = Schema.migrate(dataSource);
        log.info("Analytics schema at version {}{}", Schema.LATEST_VERSION,
                applied.isEmpty() ? " (nothing to migrate)" : ", applied " + applied);
    }

    /** The versions this start-up applied (empty when the schema was current). */
    public List<Integer> applied() {
        return applied;
    }
}
