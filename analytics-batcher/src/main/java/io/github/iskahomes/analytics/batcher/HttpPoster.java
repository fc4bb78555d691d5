package io.github.iskahomes.analytics.batcher;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.iskahomes.analytics.core.Event;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;
import java.util.zip.GZIPOutputStream;

/**
 * What {@link HttpIngestSink} and {@link PostHogSink} share: encoding each event once with core's {@code EventJson},
 * packing a batch into request bodies of at most {@code maxRequestBytes} of JSON (before gzip, as servers count
 * after decompression), POSTing them with {@code java.net.http}, and sorting each answer into delivered (with the
 * events the server rejected one by one), retryable (connection errors, timeouts, 408, 429, 5xx, honouring
 * {@code Retry-After}), too large (413) or refused (other statuses, with the server's reason).
 */
final class HttpPoster implements AutoCloseable {
    private static final int MAX_REASON_CHARS = 500;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String sinkName;
    private final URI endpoint;
    private final Map<String, String> headers;
    private final boolean gzip;
    private final Duration requestTimeout;
    private final int maxRequestBytes;
    private final int maxInFlight;
    /** The body up to the events array's first element, and from after its last: the sink's envelope. */
    private final byte[] prefix;
    private final byte[] suffix;
    private final ExecutorService executor;
    private final HttpClient client;

    /**
     * @param emptyBody the sink's body for no events, ending in <code>[]}</code> (such as <code>{"events":[]}</code>):
     *                  the envelope every request's events are written into, as core's {@code EventJson} writes it
     * @param maxInFlight how many requests the batcher may have waiting for an answer at once
     */
    HttpPoster(String sinkName, URI endpoint, Map<String, String> headers, boolean gzip, Duration connectTimeout,
               Duration requestTimeout, byte[] emptyBody, int maxRequestBytes, int maxInFlight) {
        this.sinkName = sinkName;
        this.endpoint = endpoint;
        this.headers = Map.copyOf(headers);
        this.gzip = gzip;
        this.requestTimeout = requestTimeout;
        this.maxRequestBytes = maxRequestBytes;
        this.maxInFlight = maxInFlight;
        String empty = new String(emptyBody, StandardCharsets.UTF_8);
        if (!empty.endsWith("[]}")) {
            throw new IllegalArgumentException("an empty body must end with its events array, was " + empty);
        }
        this.prefix = Arrays.copyOf(emptyBody, emptyBody.length - 2);
        this.suffix = "]}".getBytes(StandardCharsets.UTF_8);
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

    /** The poster behind one of the library's HTTP sinks, or {@code null} for any other sink. */
    static HttpPoster of(Sink sink) {
        if (sink instanceof HttpIngestSink ingest) {
            return ingest.poster();
        }
        if (sink instanceof PostHogSink posthog) {
            return posthog.poster();
        }
        return null;
    }

    /** How many requests the batcher may have waiting for an answer at once (1: one after the other). */
    int maxInFlight() {
        return maxInFlight;
    }

    /**
     * Encodes each event once and packs the batch, in order, into requests of at most {@code maxRequestBytes}. An
     * event that cannot be sent (no JSON form, or too large for a request on its own) is handed to
     * {@code unsendable} with the reason, at once, and left out; it never reaches a request or a retry.
     */
    List<Request> pack(List<Event> batch, BiConsumer<Event, String> unsendable) {
        List<Request> requests = new ArrayList<>(1);
        List<Event> events = new ArrayList<>(batch.size());
        List<byte[]> json = new ArrayList<>(batch.size());
        long envelope = prefix.length + suffix.length;
        long bytes = envelope;
        for (Event event : batch) {
            byte[] encoded = Unencodable.tryEncode(event);
            if (encoded == null) {
                unsendable.accept(event, Unencodable.reason(event));
                continue;
            }
            if (envelope + encoded.length > maxRequestBytes) {
                unsendable.accept(event, "the event is " + encoded.length + " bytes of JSON; a request to sink '"
                        + sinkName + "' carries at most " + maxRequestBytes + " (maxRequestBytes)");
                continue;
            }
            long added = encoded.length + (events.isEmpty() ? 0 : 1);
            if (bytes + added > maxRequestBytes) {
                requests.add(Request.encoded(events, json));
                events = new ArrayList<>();
                json = new ArrayList<>();
                bytes = envelope;
                added = encoded.length;
            }
            events.add(event);
            json.add(encoded);
            bytes += added;
        }
        if (!events.isEmpty()) {
            requests.add(Request.encoded(events, json));
        }
        return requests;
    }

    /**
     * {@link Sink#send} for a caller outside the batcher: the whole batch as one request. An event with no JSON form
     * refuses the batch; a batch above {@code maxRequestBytes} is {@linkplain SendResult#tooLarge too large}.
     */
    SendResult send(List<Event> batch) throws IOException, InterruptedException {
        List<byte[]> json = new ArrayList<>(batch.size());
        long bytes = prefix.length + suffix.length + Math.max(0, batch.size() - 1);
        for (Event event : batch) {
            byte[] encoded = Unencodable.tryEncode(event);
            if (encoded == null) {
                return SendResult.rejected(Unencodable.reason(event));
            }
            json.add(encoded);
            bytes += encoded.length;
        }
        if (bytes > maxRequestBytes) {
            return SendResult.tooLarge("the batch is " + bytes + " bytes of JSON; a request to sink '" + sinkName
                    + "' carries at most " + maxRequestBytes + " (maxRequestBytes)");
        }
        return post(Request.encoded(batch, json));
    }

    /** POSTs one request made by {@link #pack}. */
    SendResult post(Request request) throws IOException, InterruptedException {
        HttpRequest.Builder http = HttpRequest.newBuilder(endpoint)
                .timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(request.body(this::body)));
        if (gzip) {
            http.header("Content-Encoding", "gzip");
        }
        headers.forEach(http::header);
        HttpResponse<String> response = client.send(http.build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return classify(response.statusCode(), response.body(),
                response.headers().firstValue("Retry-After").orElse(null), request.events());
    }

    private byte[] body(Request request) {
        List<byte[]> json = request.json();
        int size = prefix.length + suffix.length + json.size();
        for (byte[] event : json) {
            size += event.length;
        }
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(gzip ? size / 3 + 64 : size);
        try (OutputStream out = gzip ? new GZIPOutputStream(buffer, 8192) : buffer) {
            out.write(prefix);
            for (int i = 0; i < json.size(); i++) {
                if (i > 0) {
                    out.write(',');
                }
                out.write(json.get(i));
            }
            out.write(suffix);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        return buffer.toByteArray();
    }

    /**
     * Sorts an answer to a request carrying {@code events}: 2xx is delivered, less the events its body lists in
     * {@code rejected[]}; 408, 429 and 5xx may be retried; 413 is too large; any other status is a refusal.
     */
    static SendResult classify(int status, String body, String retryAfter, List<Event> events) {
        if (status >= 200 && status < 300) {
            return SendResult.delivered(rejections(body, events));
        }
        String reason = "HTTP " + status + (body == null || body.isBlank() ? "" : ": " + abbreviate(body.strip()));
        if (status == 408 || status == 429 || status >= 500) {
            return SendResult.retryable(reason, parseRetryAfter(retryAfter));
        }
        if (status == 413) {
            return SendResult.tooLarge(reason);
        }
        return SendResult.rejected(reason);
    }

    /**
     * The events an ingest answer rejects one by one: {@code "rejected":[{"index":3,"uuid":"…","reason":"…"}]}, as
     * the ingestor writes it. An entry is matched by its index when its uuid agrees (or it has none), else by its
     * uuid; an entry matching no event, or one already matched, is ignored, so nothing is counted twice. A body
     * without such a list (PostHog's <code>{"status":1}</code>) rejects nothing.
     */
    static List<SendResult.Rejection> rejections(String body, List<Event> events) {
        if (body == null || !body.contains("\"rejected\"")) {
            return List.of();
        }
        JsonNode rejected;
        try {
            rejected = MAPPER.readTree(body).path("rejected");
        } catch (JsonProcessingException notJson) {
            return List.of();
        }
        if (!rejected.isArray() || rejected.isEmpty()) {
            return List.of();
        }
        List<SendResult.Rejection> found = new ArrayList<>(rejected.size());
        BitSet matched = new BitSet(events.size());
        for (JsonNode entry : rejected) {
            int index = matchingEvent(entry, events);
            if (index < 0 || matched.get(index)) {
                continue;
            }
            matched.set(index);
            JsonNode reason = entry.path("reason");
            found.add(new SendResult.Rejection(index,
                    reason.isTextual() ? abbreviate(reason.asText()) : "rejected by the server, which gave no reason"));
        }
        found.sort(Comparator.comparingInt(SendResult.Rejection::index));
        return found;
    }

    private static int matchingEvent(JsonNode entry, List<Event> events) {
        int index = entry.path("index").isIntegralNumber() ? entry.path("index").asInt() : -1;
        boolean inRange = index >= 0 && index < events.size();
        JsonNode uuid = entry.path("uuid");
        if (!uuid.isTextual() || (inRange && uuid.asText().equals(events.get(index).uuid()))) {
            return inRange ? index : -1;
        }
        for (int i = 0; i < events.size(); i++) {
            if (uuid.asText().equals(events.get(i).uuid())) {
                return i;
            }
        }
        return inRange ? index : -1;
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
