package io.github.iskahomes.analytics.core;

/**
 * Root of every unchecked exception this library throws. Bad events are never reported through exceptions (they
 * come back as rejections with a reason); exceptions mean a request as a whole could not be handled or a store
 * the library depends on failed.
 */
public class AnalyticsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed and where */
    public AnalyticsException(String message) {
        super(message);
    }

    /**
     * @param message what failed and where
     * @param cause   the underlying failure
     */
    public AnalyticsException(String message, Throwable cause) {
        super(message, cause);
    }
}
