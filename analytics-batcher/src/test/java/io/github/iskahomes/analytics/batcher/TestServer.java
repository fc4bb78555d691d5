package io.github.iskahomes.analytics.batcher;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.iskahomes.analytics.core.Event;
import io.github.iskahomes.analytics.core.internal.DecodedEvent;
import io.github.iskahomes.analytics.core.internal.EventJson;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;

/** A real HTTP server on 127.0.0.1 that records what it receives and answers as a test script says. */
final class TestServer implements AutoCloseable {
    static final long WAIT_SECONDS = 20;

    /** One received request. */
    record Received(int index, String method, String path, Map<String, List<String>> headers, byte[] rawBody,
                    String json, List<Event> events, long receivedNanos) {
        String header(String name) {
            for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
                if (entry.getKey().equalsIgnoreCase(name)) {
                    return entry.getValue().get(0);
                }
            }
            return null;
        }
    }

    /** An answer: status, body, Retry-After (or null), and a latch to hang on before answering (or null). */
    record Answer(int status, String body, String retryAfter, CountDownLatch hang) {
        static Answer ok() {
            return new Answer(200, "{\"status\":1}", null, null);
        }

        static Answer status(int status, String body) {
            return new Answer(status, body, null, null);
        }

        static Answer hangUntil(CountDownLatch latch) {
            return new Answer(200, "{\"status\":1}", null, latch);
        }
    }

    static {
        // Without TCP_NODELAY the JDK server's header and body writes meet the client's delayed ACK: 40 ms a request.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Received> received = new ArrayList<>();
    /** Events of requests answered 2xx, in arrival order. */
    private final List<Event> accepted = new ArrayList<>();
    private volatile Function<Received, Answer> script;
    /** Requests being handled now, and the most there ever were at once. */
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger mostOpen = new AtomicInteger();

    TestServer(Function<Received, Answer> script) {
        this.script = script;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    static TestServer ok() {
        return new TestServer(r -> Answer.ok());
    }

    void script(Function<Received, Answer> newScript) {
        this.script = newScript;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** A URI nothing listens on: a port bound and released just now. */
    static URI deadUri() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/api/ingest/posthog");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
        try (exchange) {
            byte[] raw = exchange.getRequestBody().readAllBytes();
            byte[] plain = raw;
            if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                    plain = in.readAllBytes();
                }
            }
            List<Event> events = EventJson.decode(plain, 100_000).events().stream().map(DecodedEvent::event).toList();
            Received request;
            synchronized (this) {
                request = new Received(received.size(), exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        Map.copyOf(exchange.getRequestHeaders()), raw, new String(plain, StandardCharsets.UTF_8),
                        events, System.nanoTime());
                received.add(request);
                notifyAll();
            }
            Answer answer = script.apply(request);
            if (answer.hang() != null) {
                try {
                    answer.hang().await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (answer.retryAfter() != null) {
                exchange.getResponseHeaders().add("Retry-After", answer.retryAfter());
            }
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            if (answer.status() >= 200 && answer.status() < 300) {
                synchronized (this) {
                    accepted.addAll(events);
                    notifyAll();
                }
            }
            exchange.sendResponseHeaders(answer.status(), body.length);
            exchange.getResponseBody().write(body);
        } finally {
            open.decrementAndGet();
        }
    }

    /** The most requests this server was handling at the same time (received and not yet answered). */
    int mostAtOnce() {
        return mostOpen.get();
    }

    synchronized List<Received> requests() {
        return List.copyOf(received);
    }

    synchronized List<Event> accepted() {
        return List.copyOf(accepted);
    }

    synchronized List<Received> awaitRequests(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (received.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("expected " + count + " requests, got " + received.size());
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return List.copyOf(received);
    }

    synchronized List<Event> awaitAccepted(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (accepted.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("expected " + count + " accepted events, got " + accepted.size());
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return List.copyOf(accepted);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
