package io.github.iskahomes.analytics.autoconfigure.web;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

/**
 * Who may call the cron and read endpoints. Without Spring Security on the classpath: whoever sends
 * {@code Authorization: Bearer <admin token>} (compared in constant time; 401 otherwise). With Spring Security the
 * host's own filter chain decides ({@link #hostSecurity()}), and the starter checks nothing of its own: protect the
 * paths listed in the docs there. The webhook secret never opens these endpoints: it ships to browsers.
 */
public final class AdminAccess {
    private static final Map<String, String> CHALLENGE = Map.of("WWW-Authenticate", "Bearer realm=\"analytics-admin\"");

    private final String token;
    private final byte[] digest;
    private final boolean generated;

    private AdminAccess(String token, boolean generated) {
        this.token = token;
        this.digest = token == null ? null : sha256(token);
        this.generated = generated;
    }

    /**
     * Access by an admin token; a random one (24 bytes from {@link SecureRandom}, base64url) when {@code token} is
     * null.
     *
     * @throws IllegalArgumentException if the token equals the webhook secret
     */
    public static AdminAccess token(String token, String webhookSecret) {
        boolean generated = token == null || token.isBlank();
        String effective = generated ? generate() : token;
        if (effective.equals(webhookSecret)) {
            throw new IllegalArgumentException("the admin token must differ from the webhook secret: the webhook"
                    + " secret ships to browsers, the admin token guards the cron and read endpoints");
        }
        return new AdminAccess(effective, generated);
    }

    /** No check of its own: the host's Spring Security filter chain guards the paths. */
    public static AdminAccess hostSecurity() {
        return new AdminAccess(null, false);
    }

    /** The admin token, or null when the host's security decides. */
    public String adminToken() {
        return token;
    }

    /** Whether the token was generated at start-up (none was configured). */
    public boolean generated() {
        return generated;
    }

    /**
     * Lets the request through or refuses it.
     *
     * @throws AnalyticsHttpException 401 without the admin token or with a wrong one
     */
    public void check(HttpServletRequest request) {
        if (digest == null) {
            return;
        }
        String authorization = request.getHeader("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new AnalyticsHttpException(401, "this endpoint needs the admin token: send \"Authorization: Bearer"
                    + " <admin token>\" (set it with analytics.web.admin-token)", CHALLENGE);
        }
        // Digests have a fixed length: the comparison's time tells nothing of the token.
        if (!MessageDigest.isEqual(digest, sha256(authorization.substring(7).trim()))) {
            throw new AnalyticsHttpException(401, "the admin token is wrong", CHALLENGE);
        }
    }

    private static String generate() {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    private static byte[] sha256(String text) {
        Objects.requireNonNull(text, "text");
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
