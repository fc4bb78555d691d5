package io.github.iskahomes.analytics.autoconfigure.dashboard;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Callers by {@code Authorization: Bearer <token>}: the admin token (the starter's {@code analytics.web.admin-token})
 * is an admin, each token of {@code analytics.dashboard.tokens} is its lister. Tokens are kept and looked up as
 * SHA-256 digests, so neither the lookup's time nor a heap dump tells a token. Thread-safe.
 */
public final class TokenCallerResolver implements CallerResolver {
    private final Map<String, DashboardCaller> byDigest = new HashMap<>();

    /**
     * @param adminToken   the admin's token, or null for none
     * @param listerTokens token → lister id
     * @throws IllegalArgumentException if a lister token is the admin token or blank
     */
    public TokenCallerResolver(String adminToken, Map<String, String> listerTokens) {
        listerTokens.forEach((token, lister) -> {
            if (token == null || token.isBlank() || lister == null || lister.isBlank()) {
                throw new IllegalArgumentException("analytics.dashboard.tokens maps a token to a lister id; neither"
                        + " may be blank");
            }
            if (token.equals(adminToken)) {
                throw new IllegalArgumentException("the token of lister " + lister + " is the admin token; give"
                        + " each lister a token of their own");
            }
            byDigest.put(digest(token), DashboardCaller.lister(lister));
        });
        if (adminToken != null && !adminToken.isBlank()) {
            byDigest.put(digest(adminToken), DashboardCaller.admin("admin"));
        }
    }

    @Override
    public Optional<DashboardCaller> resolve(HttpServletRequest request) {
        String authorization = request.getHeader("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        return Optional.ofNullable(byDigest.get(digest(authorization.substring(7).trim())));
    }

    private static String digest(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
