package io.github.iskahomes.analytics.autoconfigure.dashboard;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** The dashboard's settings, under {@code analytics.dashboard}. */
@ConfigurationProperties(prefix = "analytics.dashboard")
public class DashboardProperties {
    /** Whether the dashboard's pages and endpoints are served. */
    private boolean enabled = true;
    /** Where the pages are mounted (the analytics-server mounts them at /). */
    private String path = "/analytics";
    /** Where the pages' JSON and Server-Sent Events endpoints are. */
    private String apiPath = "/api/dashboard";
    /** Bearer tokens of listers: token to lister id. Each lister sees only their own listings, developments, leads. */
    private Map<String, String> tokens;
    /** The role (without ROLE_) of an admin when Spring Security or the container authenticates callers. */
    private String adminRole = "ANALYTICS_ADMIN";
    /** How often the live panel's numbers are read from Redis for each open page. */
    private Duration livePeriod = Duration.ofSeconds(1);
    /** How long one live stream stays open before the page reconnects. */
    private Duration liveTimeout = Duration.ofMinutes(5);

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

    public String getApiPath() {
        return apiPath;
    }

    public void setApiPath(String apiPath) {
        this.apiPath = apiPath;
    }

    public Map<String, String> getTokens() {
        return tokens;
    }

    /** The lister tokens, none when unset. */
    Map<String, String> listerTokens() {
        return tokens == null ? Map.of() : tokens;
    }

    public void setTokens(Map<String, String> tokens) {
        this.tokens = tokens;
    }

    public String getAdminRole() {
        return adminRole;
    }

    public void setAdminRole(String adminRole) {
        this.adminRole = adminRole;
    }

    public Duration getLivePeriod() {
        return livePeriod;
    }

    public void setLivePeriod(Duration livePeriod) {
        this.livePeriod = livePeriod;
    }

    public Duration getLiveTimeout() {
        return liveTimeout;
    }

    public void setLiveTimeout(Duration liveTimeout) {
        this.liveTimeout = liveTimeout;
    }
}
