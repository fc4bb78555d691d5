package io.github.iskahomes.analytics.batcher;

import io.github.iskahomes.analytics.core.Event;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;
import java.util.zip.GZIPOutputStream;

/**
 * What {@link HttpIngestSink} and {@link PostHogSink} share: encoding a batch (optionally gzipped) with core's
 * {@code EventJson}, POSTing it with {@code java.net.http}, and sorting the answer into delivered, retryable
 * (connection errors, timeouts, 408, 429, 5xx, honouring {@code Retry-After}) or rejected (other statuses, with the
 * server's reason).
 */
final class HttpPoster implements AutoCloseable {
    private static final int MAX_REASON_CHARS = 500;

    private final URI endpoint;
    private final Map<String, String> headers;
    private final boolean gzip;
    private final Duration requestTimeout;
    private final ExecutorService executor;
    private final HttpClient client;

    HttpPoster(String sinkName, URI endpoint, Map<String, String> headers, boolean gzip, Duration connectTimeout,
               Duration requestTimeout) {
        this.endpoint = endpoint;
        this.headers = Map.copyOf(headers);
        this.gzip = gzip;
        this.requestTimeout = requestTimeout;
        // Our own executor, so the client's work runs on threads close() can stop.
        this.executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "analytics-batcher-" + sinkName + "-http");
            thread.setDaemon(true);
            return thread;
        });
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor)
                .build();
    }

    SendResult post(List<Event> events, BiConsumer<OutputStream, List<Event>> writer) throws IOException,
            InterruptedException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(256 * events.size() + 64);
        // EventJson closes the stream it writes to, which also finishes the gzip trailer.
        writer.accept(gzip ? new GZIPOutputStream(buffer, 8192) : buffer, events);
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(buffer.toByteArray()));
        if (gzip) {
            request.header("Content-Encoding", "gzip");
        }
        headers.forEach(request::header);
        HttpResponse<String> response = client.send(request.build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return classify(response.statusCode(), response.body(), response.headers().firstValue("Retry-After").orElse(null));
    }

    static SendResult classify(int status, String body, String retryAfter) {
        if (status >= 200 && status < 300) {
            return SendResult.delivered();
        }
        String reason = "HTTP " + status + (body == null || body.isBlank() ? "" : ": " + abbreviate(body.strip()));
        if (status == 408 || status == 429 || status >= 500) {
            return SendResult.retryable(reason, parseRetryAfter(retryAfter));
        }
        return SendResult.rejected(reason);
    }

    /** {@code Retry-After} as seconds or an HTTP date; {@code null} when absent or unreadable. */
    static Duration parseRetryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String text = value.strip();
        try {
            long seconds = Long.parseLong(text);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                Duration wait = Duration.between(ZonedDateTime.now(),
                        ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME));
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= MAX_REASON_CHARS ? text : text.substring(0, MAX_REASON_CHARS) + "…";
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
