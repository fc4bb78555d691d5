package io.github.iskahomes.analytics.examples.wiring;

import io.github.iskahomes.analytics.redis.IngestHandler;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** The same endpoint as a Spring MVC controller. */
@RestController
public class IngestController {
    private final IngestHandler handler;

    public IngestController(IngestHandler handler) {
        this.handler = handler;
    }

    // Spring MVC answers CORS preflights itself, before any controller: give this path the same allowed origins with
    // @CrossOrigin or a CorsConfigurationSource. The handler's answers to the POST carry Access-Control-Allow-Origin.
    @PostMapping("/api/ingest/posthog")
    public ResponseEntity<String> ingest(HttpServletRequest request) throws IOException {
        IngestHandler.Response answer = handler.handle(new IngestHandler.Request(request.getMethod(),
                request.getQueryString(), request::getHeader, request.getInputStream()));
        ResponseEntity.BodyBuilder response = ResponseEntity.status(answer.status());
        answer.headers().forEach((name, value) -> response.header(name, value));
        return response.body(answer.body());
    }
}
