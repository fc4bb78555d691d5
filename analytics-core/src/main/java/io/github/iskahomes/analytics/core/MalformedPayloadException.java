package io.github.iskahomes.analytics.core;

/**
 * A request body could not be read as JSON, or its JSON has none of the accepted shapes. The message names the line
 * and column where the parser stopped. An HTTP layer maps this to 400.
 */
public class MalformedPayloadException extends AnalyticsException {
    private static final long serialVersionUID = 1L;
    private final long line;
    private final long column;

    /**
     * @param message what is wrong; the line and column are appended when {@code line > 0}
     * @param line    1-based line, or 0 when unknown
     * @param column  1-based column, or 0 when unknown
     * @param cause   the parser's exception, or null
     */
    public MalformedPayloadException(String message, long line, long column, Throwable cause) {
        super(line > 0 ? message + " (line " + line + ", column " + column + ")" : message, cause);
        this.line = line;
        this.column = column;
    }

    /** 1-based line where parsing stopped, or 0 when unknown. */
    public long line() {
        return line;
    }

    /** 1-based column where parsing stopped, or 0 when unknown. */
    public long column() {
        return column;
    }
}
