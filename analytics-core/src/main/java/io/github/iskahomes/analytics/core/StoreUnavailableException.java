package io.github.iskahomes.analytics.core;

/**
 * A store the library writes to or reads from (Redis, PostgreSQL, an HTTP endpoint) could not be reached or did not
 * answer in time. Retrying later is safe: ingestion is deduplicated by event uuid and aggregation is idempotent.
 * An HTTP layer maps this to 503 with {@code Retry-After}.
 */
public class StoreUnavailableException extends AnalyticsException {
    private static final long serialVersionUID = 1L;
    private final String store;

    /**
     * @param store what failed and where, for example {@code "Redis at redis://10.0.0.5:6379"}
     */
    public StoreUnavailableException(String store, String message, Throwable cause) {
        super(store + " is unavailable: " + message, cause);
        this.store = store;
    }

    /** What failed and where, for example {@code "Redis at redis://10.0.0.5:6379"}. */
    public String store() {
        return store;
    }
}
