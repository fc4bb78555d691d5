package io.github.iskahomes.analytics.browser.site;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.iskahomes.analytics.core.internal.DecodedBatch;
import io.github.iskahomes.analytics.core.internal.DecodedEvent;
import io.github.iskahomes.analytics.core.internal.EventJson;
import io.github.iskahomes.analytics.redis.IngestHandler;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * What a browser test adds to the real analytics server, as a servlet filter ahead of everything in its context: it
 * serves the test's pages and posthog-js, records every request to the server's ingest path (how it came, what it
 * carried, what the server answered), and can be told to fail the next ones in one of three ways. Everything else,
 * analytics.js included, is the server's own.
 */
final class TestSite implements Filter {

    static final String INGEST_PATH = "/api/ingest/posthog";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RESET = TestSite.class.getName() + ".reset";

    /** How the next requests fail. */
    enum Fault {
        /** 503 with Retry-After: 1, the server's endpoint never reached: the server is down. */
        UNAVAILABLE,
        /** The events are ingested by the server, then the answer is 503: the client cannot know they arrived. */
        INGESTED_THEN_UNAVAILABLE,
        /** The connection is closed without an answer: a network error (by {@link ConnectionResets}). */
        CONNECTION_RESET
    }

    /**
     * One ingest request as the server saw it.
     *
     * @param fetchMode   the {@code Sec-Fetch-Mode} header: {@code no-cors} for a beacon, {@code cors} for fetch
     * @param compression the {@code compression} query parameter, or null
     * @param gzipped     whether the body started with gzip's magic bytes
     * @param cookie      whether it carried a {@code Cookie} header
     * @param uuids       the uuids of its events, in order
     * @param status      what the client was answered (0 for a reset connection)
     * @param ingested    events applied by this request (0 unless the server answered 200)
     * @param duplicates  events already applied before (0 unless the server answered 200)
     */
    record Delivery(String fetchMode, String compression, boolean gzipped, boolean cookie, List<String> uuids,
                    int status, int ingested, int duplicates) {
        boolean beacon() {
            return "no-cors".equals(fetchMode);
        }
    }

    private final Map<String, String> pages = new ConcurrentHashMap<>();
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final Set<String> distinctIds = ConcurrentHashMap.newKeySet();
    private final Queue<Fault> faults = new ConcurrentLinkedQueue<>();

    /** Forgets the pages, faults and deliveries of the test before. */
    void reset() {
        pages.clear();
        deliveries.clear();
        distinctIds.clear();
        faults.clear();
    }

    /** Serves {@code html} at {@code path}. */
    void page(String path, String html) {
        pages.put(path, html);
    }

    /** Fails the next {@code count} ingest requests (after those already told to fail) as {@code how}. */
    void fail(Fault how, int count) {
        for (int i = 0; i < count; i++) {
            faults.add(how);
        }
    }

    List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    /** The distinct ids of every event the server received. */
    Set<String> receivedDistinctIds() {
        return Set.copyOf(distinctIds);
    }

    /** The uuids of every event the server received, in every request (so retried ones more than once). */
    List<String> receivedUuids() {
        List<String> all = new ArrayList<>();
        deliveries.forEach(d -> all.addAll(d.uuids()));
        return all;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        String path = request.getRequestURI();
        if (path.equals(INGEST_PATH) && request.getMethod().equals("POST")) {
            ingest(request, response, chain);
        } else if (path.equals("/posthog/array.no-external.js")) {
            try (InputStream in = TestSite.class.getResourceAsStream("/posthog-js/array.no-external.js")) {
                send(response, 200, "text/javascript; charset=utf-8", in.readAllBytes());
            }
        } else if (request.getMethod().equals("GET") && pages.containsKey(path)) {
            send(response, 200, "text/html; charset=utf-8", pages.get(path).getBytes(StandardCharsets.UTF_8));
        } else {
            chain.doFilter(request, response);
        }
    }

    private void ingest(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String mode = request.getHeader("Sec-Fetch-Mode");
        boolean cookie = request.getHeader("Cookie") != null;
        byte[] body = request.getInputStream().readAllBytes();
        Fault now = faults.poll();
        if (now == Fault.CONNECTION_RESET) {
            deliveries.add(new Delivery(mode, null, false, cookie, List.of(), 0, 0, 0));
            request.setAttribute(RESET, Boolean.TRUE);
            return;
        }
        boolean gzipped = body.length > 1 && (body[0] & 0xff) == 0x1f && (body[1] & 0xff) == 0x8b;
        List<String> uuids = uuids(gzipped ? new GZIPInputStream(new ByteArrayInputStream(body)).readAllBytes() : body);
        String compression = new IngestHandler.Request("POST", request.getQueryString(), h -> null,
                InputStream.nullInputStream()).queryParameter("compression");
        if (now == Fault.UNAVAILABLE) {
            response.setHeader("Retry-After", "1");
            cors(request, response);
            deliveries.add(new Delivery(mode, compression, gzipped, cookie, uuids, 503, 0, 0));
            send(response, 503, "application/json", "{\"success\":false,\"error\":\"down for a test\"}"
                    .getBytes(StandardCharsets.UTF_8));
            return;
        }
        ContentCachingResponseWrapper answered = new ContentCachingResponseWrapper(response);
        chain.doFilter(new BodyRequest(request, body), answered);
        JsonNode answer = answered.getStatus() == 200 ? JSON.readTree(answered.getContentAsByteArray())
                : JSON.createObjectNode();
        int status = now == Fault.INGESTED_THEN_UNAVAILABLE ? 503 : answered.getStatus();
        deliveries.add(new Delivery(mode, compression, gzipped, cookie, uuids, status,
                answer.path("ingested").asInt(), answer.path("duplicates").asInt()));
        if (now == Fault.INGESTED_THEN_UNAVAILABLE) {
            cors(request, response);
            send(response, 503, "application/json", "{\"success\":false}".getBytes(StandardCharsets.UTF_8));
        } else {
            answered.copyBodyToResponse();
        }
    }

    private List<String> uuids(byte[] json) {
        List<String> uuids = new ArrayList<>();
        try {
            DecodedBatch batch = EventJson.decode(json, 100_000);
            for (DecodedEvent element : batch.events()) {
                uuids.add(element.event() == null ? null : element.event().uuid());
                if (element.event() != null && element.event().distinctId() != null) {
                    distinctIds.add(element.event().distinctId());
                }
            }
        } catch (RuntimeException e) {
            uuids.add("undecodable: " + e.getMessage());
        }
        return uuids;
    }

    private static void cors(HttpServletRequest request, HttpServletResponse response) {
        String origin = request.getHeader("Origin");
        if (origin != null) {
            response.setHeader("Access-Control-Allow-Origin", origin);
            response.setHeader("Access-Control-Expose-Headers", "Retry-After");
        }
    }

    private static void send(HttpServletResponse response, int status, String type, byte[] body) throws IOException {
        response.setStatus(status);
        response.setContentType(type);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** The request with its body, already read by the filter, readable again by the server's endpoint. */
    private static final class BodyRequest extends HttpServletRequestWrapper {
        private final byte[] body;

        BodyRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("blocking reads only");
                }
            };
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }

    /**
     * Drops the connection of a request the filter marked, before Tomcat writes any answer: a servlet filter cannot
     * (it can only answer), so this Tomcat valve asks the connector to close now once the filter chain returned.
     */
    static final class ConnectionResets extends ValveBase {
        @Override
        public void invoke(Request request, Response response) throws IOException, ServletException {
            getNext().invoke(request, response);
            if (request.getAttribute(RESET) != null) {
                request.getCoyoteRequest().action(ActionCode.CLOSE_NOW, null);
            }
        }
    }
}
