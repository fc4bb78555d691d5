package io.github.iskahomes.analytics.examples.boot;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * With Spring Security on the classpath the starter adds no security of its own: the host guards the paths. Here:
 * the cron and read paths need the admin account (HTTP Basic), the capture paths stay open to browsers and SDKs
 * (their webhook secret is checked by the handler) and are left out of CSRF, which would otherwise refuse every
 * POST and read a form body through {@code getParameter}.
 */
@Configuration(proxyBeanMethods = false)
public class ExampleSecurity {

    @Bean
    SecurityFilterChain analyticsSecurity(HttpSecurity http) throws Exception {
        String[] capture = {"/api/ingest/posthog", "/api/ingest/posthog/", "/batch", "/batch/", "/capture",
            "/capture/", "/e", "/e/", "/i/v0/e", "/i/v0/e/", "/track", "/track/"};
        http.authorizeHttpRequests(paths -> paths
                        .requestMatchers("/api/cron/analytics", "/api/analytics/**").hasRole("ANALYTICS_ADMIN")
                        .requestMatchers("/actuator/health").permitAll()
                        .requestMatchers("/actuator/**").hasRole("ANALYTICS_ADMIN")
                        .requestMatchers(capture).permitAll()
                        .anyRequest().permitAll())
                .csrf(csrf -> csrf.ignoringRequestMatchers(capture).ignoringRequestMatchers("/api/cron/analytics"))
                .httpBasic(Customizer.withDefaults());
        return http.build();
    }

    @Bean
    UserDetailsService analyticsAdmins(@Value("${example.admin.user}") String user,
                                       @Value("${example.admin.password}") String password,
                                       @Value("${example.listers:}") String listers) {
        if (password.isBlank()) {
            throw new IllegalStateException("set EXAMPLE_ADMIN_PASSWORD (example.admin.password): the analytics admin"
                    + " paths are never open");
        }
        PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        InMemoryUserDetailsManager users = new InMemoryUserDetailsManager(User.withUsername(user)
                .password(encoder.encode(password)).roles("ANALYTICS_ADMIN").build());
        // Listers sign in as themselves: the dashboard's CallerResolver takes the principal's name as the lister id
        // and shows them only their own listings, developments and leads.
        for (String account : listers.split(",")) {
            int colon = account.indexOf(':');
            if (colon > 0) {
                users.createUser(User.withUsername(account.substring(0, colon).strip())
                        .password(encoder.encode(account.substring(colon + 1).strip())).roles("LISTER").build());
            }
        }
        return users;
    }
}
