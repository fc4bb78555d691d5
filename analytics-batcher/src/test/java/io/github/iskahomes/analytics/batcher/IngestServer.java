package io.github.iskahomes.analytics.batcher;

import com.sun.net.httpserver.HttpServer;
import io.github.iskahomes.analytics.core.EventType;
import io.github.iskahomes.analytics.redis.AnalyticsReader;
import io.github.iskahomes.analytics.redis.IngestHandler;
import io.github.iskahomes.analytics.redis.IngestHandlerConfig;
import io.github.iskahomes.analytics.redis.Ingestor;
import io.github.iskahomes.analytics.redis.IngestorConfig;
import io.github.iskahomes.analytics.testing.TestRedis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The real ingest endpoint a host serves: {@link IngestHandler} over an {@link Ingestor} on the test's Redis, behind
 * the JDK's HTTP server on 127.0.0.1, wired as the README's servlet is. Records every answer it gives.
 */
final class IngestServer implements AutoCloseable {
    static final String PATH = "/api/ingest/posthog";

    /** One answer: its status and body, in the order the requests arrived. */
    record Answered(int status, String body) {
    }

    private final Ingestor ingestor;
    private final AnalyticsReader reader;
    private final HttpServer server;
    private final List<Answered> answers = new ArrayList<>();

    /** A server with the ingestor's default limits, isolated by the test's key prefix. */
    IngestServer(TestRedis redis) {
        this(redis, IngestorConfig.builder().keyPrefix(redis.keyPrefix()).build());
    }

    /** A server with this configuration (which should carry the test's key prefix). */
    IngestServer(TestRedis redis, IngestorConfig config) {
        this(redis, config, IngestHandlerConfig.defaults());
    }

    /** A server with this configuration and these HTTP settings (secret, body limit). */
    IngestServer(TestRedis redis, IngestorConfig config, IngestHandlerConfig http) {
        this(redis, config, http, (n, response) -> response);
    }

    /**
     * A server with this configuration; {@code rewrite} may replace the handler's answer to the n-th request (from 1),
     * for example to lose it.
     */
    IngestServer(TestRedis redis, IngestorConfig config, IngestHandlerConfig http,
                 BiFunction<Integer, IngestHandler.Response, IngestHandler.Response> rewrite) {
        this.ingestor = Ingestor.connect(redis.uri(), config);
        this.reader = AnalyticsReader.connect(redis.uri(), config);
        IngestHandler handler = new IngestHandler(ingestor, http);
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext(PATH, exchange -> {
            try (exchange) {
                IngestHandler.Response response = handler.handle(exchange.getRequestHeaders()::getFirst,
                        exchange.getRequestBody());
                int number;
                synchronized (answers) {
                    number = answers.size() + 1;
                }
                response = rewrite.apply(number, response);
                synchronized (answers) {
                    answers.add(new Answered(response.status(), response.body()));
                }
                byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
                response.headers().forEach(exchange.getResponseHeaders()::add);
                exchange.sendResponseHeaders(response.status(), body.length);
                exchange.getResponseBody().write(body);
            }
        });
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
    }

    /** Every answer given so far, in order. */
    List<Answered> answers() {
        synchronized (answers) {
            return List.copyOf(answers);
        }
    }

    /** The statuses of every answer so far, in order. */
    List<Integer> statuses() {
        return answers().stream().map(Answered::status).toList();
    }

    /** The events of each type Redis counted on {@code day}. */
    Map<EventType, Long> counted(LocalDate day) {
        return reader.eventCounts(day);
    }

    AnalyticsReader reader() {
        return reader;
    }

    @Override
    public void close() {
        server.stop(0);
        reader.close();
        ingestor.close();
    }
}
