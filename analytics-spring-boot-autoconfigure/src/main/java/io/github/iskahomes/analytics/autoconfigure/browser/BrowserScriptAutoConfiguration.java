package io.github.iskahomes.analytics.autoconfigure.browser;

import io.github.iskahomes.analytics.autoconfigure.web.UrlPaths;
import io.github.iskahomes.analytics.browser.BrowserScript;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.web.HttpRequestHandler;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.handler.SimpleUrlHandlerMapping;

/**
 * Serves {@code analytics.js} when {@code analytics-browser} is on the classpath (the starter brings it): at
 * {@code <analytics.browser.path>/<BrowserScript.fileName()>} with a year of immutable caching, and at
 * {@code analytics.js} / {@code analytics.esm.js} with {@code no-cache} and the ETag, so a page that writes a fixed
 * name still gets a new build on its next visit. Off with {@code analytics.browser.enabled=false}.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({DispatcherServlet.class, BrowserScript.class})
@ConditionalOnProperty(prefix = "analytics.browser", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(BrowserScriptProperties.class)
public class BrowserScriptAutoConfiguration {
    /** The handler of the script's paths, ahead of the host's resource handlers. */
    @Bean
    public SimpleUrlHandlerMapping analyticsBrowserScript(BrowserScriptProperties properties) {
        String base = UrlPaths.directory(properties.getPath());
        Map<String, Object> handlers = new LinkedHashMap<>();
        for (BrowserScript script : new BrowserScript[] {BrowserScript.classic(), BrowserScript.module()}) {
            handlers.put(base + script.fileName(), handler(script, BrowserScript.CACHE_CONTROL));
        }
        handlers.put(base + "analytics.js", handler(BrowserScript.classic(), "no-cache"));
        handlers.put(base + "analytics.esm.js", handler(BrowserScript.module(), "no-cache"));
        return new SimpleUrlHandlerMapping(handlers, -2);
    }

    private static HttpRequestHandler handler(BrowserScript script, String cacheControl) {
        byte[] bytes = script.bytes();
        return (request, response) -> {
            if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
                response.setHeader("Allow", "GET, HEAD");
                response.sendError(405);
                return;
            }
            response.setHeader("Cache-Control", cacheControl);
            response.setHeader("ETag", script.etag());
            if (script.etag().equals(request.getHeader("If-None-Match"))) {
                response.setStatus(304);
                return;
            }
            response.setContentType(BrowserScript.CONTENT_TYPE);
            response.setContentLength(bytes.length);
            if ("GET".equals(request.getMethod())) {
                response.getOutputStream().write(bytes);
            }
        };
    }
}
