package io.github.iskahomes.analytics.autoconfigure.browser;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Where the browser batcher is served, under {@code analytics.browser}. */
@ConfigurationProperties(prefix = "analytics.browser")
public class BrowserScriptProperties {
    /** Whether analytics.js (from analytics-browser) is served to the host's pages. */
    private boolean enabled = true;
    /** Where analytics.js is served: its content-hashed names and analytics.js / analytics.esm.js under this path. */
    private String path = "/analytics/js";

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }
}
