package io.github.iskahomes.analytics.examples.wiring;

import io.github.iskahomes.analytics.redis.IngestHandler;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** {@code POST /api/ingest/posthog} in a servlet container: the IngestHandler does the work. */
public class IngestServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient IngestHandler handler;

    public IngestServlet(IngestHandler handler) {
        this.handler = handler;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        handle(request, response);
    }

    /** CORS preflights of browser SDKs on other origins; the handler answers them. */
    @Override
    protected void doOptions(HttpServletRequest request, HttpServletResponse response) throws IOException {
        handle(request, response);
    }

    private void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // The raw query string (never getParameter, which would read a form body), the headers and the body stream.
        IngestHandler.Response answer = handler.handle(new IngestHandler.Request(request.getMethod(),
                request.getQueryString(), request::getHeader, request.getInputStream()));
        response.setStatus(answer.status());
        answer.headers().forEach(response::setHeader);
        response.getWriter().write(answer.body());
    }
}
