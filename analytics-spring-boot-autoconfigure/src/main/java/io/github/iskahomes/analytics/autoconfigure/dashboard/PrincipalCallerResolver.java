package io.github.iskahomes.analytics.autoconfigure.dashboard;

import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.Optional;

/**
 * Callers as the servlet container or Spring Security authenticated them: a user in the role
 * {@code analytics.dashboard.admin-role} ({@code ANALYTICS_ADMIN}) is an admin, any other authenticated user is the
 * lister whose id is the principal's name. Spring Security fills {@code getUserPrincipal()} and
 * {@code isUserInRole()} from its {@code SecurityContext}, so this needs no compile-time dependency on it. A request
 * with no principal falls through to {@code fallback} (bearer tokens). Thread-safe.
 */
public final class PrincipalCallerResolver implements CallerResolver {
    private final String adminRole;
    private final CallerResolver fallback;

    /** Callers by principal and {@code adminRole}, else by {@code fallback}. */
    public PrincipalCallerResolver(String adminRole, CallerResolver fallback) {
        this.adminRole = adminRole;
        this.fallback = fallback;
    }

    @Override
    public Optional<DashboardCaller> resolve(HttpServletRequest request) {
        Principal principal = request.getUserPrincipal();
        if (principal == null) {
            return fallback.resolve(request);
        }
        return Optional.of(request.isUserInRole(adminRole) ? DashboardCaller.admin(principal.getName())
                : DashboardCaller.lister(principal.getName()));
    }
}
