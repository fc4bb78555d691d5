package io.github.iskahomes.analytics.core;

/**
 * A request exceeded a configured limit (bytes, after any decompression, or events per request). Nothing of the
 * request was ingested. An HTTP layer maps this to 413.
 */
public class PayloadTooLargeException extends AnalyticsException {
    private static final long serialVersionUID = 1L;

    /** @param message which limit was exceeded, and the limit */
    public PayloadTooLargeException(String message) {
        super(message);
    }
}
