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
        IngestHandler.Response answer = handler.handle(request::getHeader, request.getInputStream());
        response.setStatus(answer.status());
        answer.headers().forEach(response::setHeader);
        response.getWriter().write(answer.body());
    }
}
