package io.github.iskahomes.analytics.autoconfigure.web;

import io.github.iskahomes.analytics.redis.IngestHandler;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.springframework.core.Ordered;
import org.springframework.web.HttpRequestHandler;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.HandlerMapping;

/**
 * The ingest path and PostHog's capture paths in Spring MVC: a {@link HandlerMapping} of exact paths (each also with
 * a trailing slash) whose handler hands the raw request to the library's {@link IngestHandler}. Every body form,
 * the webhook secret and CORS are the handler's, exactly as in any servlet: Spring MVC's own CORS processing answers
 * preflights before a {@code @RequestMapping} method could, with its own status and without the handler's allowed
 * headers, so these paths are mapped here, outside it. The body is read from the stream, never through
 * {@code getParameter} (which would consume a form-encoded body). Ordered before the annotated controllers.
 * Thread-safe.
 */
public final class CaptureEndpoint implements HandlerMapping, HttpRequestHandler, Ordered {
    private final IngestHandler handler;
    private final Set<String> paths;
    private final HandlerExecutionChain chain = new HandlerExecutionChain(this);

    /** Serves {@code paths} (such as {@code /api/ingest/posthog}, {@code /batch}) through {@code handler}. */
    public CaptureEndpoint(IngestHandler handler, List<String> paths) {
        this.handler = Objects.requireNonNull(handler, "handler");
        Set<String> all = new LinkedHashSet<>();
        for (String path : paths) {
            String trimmed = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
            if (!trimmed.startsWith("/")) {
                throw new IllegalArgumentException("capture path \"" + path + "\" must start with /");
            }
            all.add(trimmed);
            all.add(trimmed + "/");
        }
        this.paths = Set.copyOf(all);
    }

    /** The paths served, each with and without its trailing slash. */
    public Set<String> paths() {
        return paths;
    }

    @Override
    public HandlerExecutionChain getHandler(HttpServletRequest request) {
        // The path within the DispatcherServlet's mapping: the whole path under "/", the rest under "/prefix/*".
        String path = request.getPathInfo() != null ? request.getPathInfo() : request.getServletPath();
        return paths.contains(path) ? chain : null;
    }

    @Override
    public void handleRequest(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // The raw query string (never getParameter), the headers and the body stream.
        IngestHandler.Response answer = handler.handle(new IngestHandler.Request(request.getMethod(),
                request.getQueryString(), request::getHeader, request.getInputStream()));
        response.setStatus(answer.status());
        answer.headers().forEach(response::setHeader);
        if (answer.status() != 204 && !answer.body().isEmpty()) {
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            response.setCharacterEncoding("UTF-8");
            response.setContentLength(body.length);
            try (OutputStream out = response.getOutputStream()) {
                out.write(body);
            }
        }
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 100;
    }
}
