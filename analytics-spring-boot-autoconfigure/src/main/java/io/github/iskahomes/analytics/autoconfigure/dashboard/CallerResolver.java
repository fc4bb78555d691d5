package io.github.iskahomes.analytics.autoconfigure.dashboard;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;

/**
 * Says who calls the dashboard's endpoints. The host declares its own bean to decide from its sessions or tokens;
 * the starter's default maps bearer tokens to listers ({@link TokenCallerResolver}, {@code analytics.dashboard.tokens})
 * and, with Spring Security, reads the authenticated principal ({@link PrincipalCallerResolver}).
 */
@FunctionalInterface
public interface CallerResolver {
    /**
     * The caller of {@code request}, or empty when the request carries no credential the host accepts (the
     * endpoints then answer 401).
     */
    Optional<DashboardCaller> resolve(HttpServletRequest request);
}
