package io.github.iskahomes.analytics.examples.boot;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
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
                                       @Value("${example.admin.password}") String password) {
        if (password.isBlank()) {
            throw new IllegalStateException("set EXAMPLE_ADMIN_PASSWORD (example.admin.password): the analytics admin"
                    + " paths are never open");
        }
        return new InMemoryUserDetailsManager(User.withUsername(user)
                .password(PasswordEncoderFactories.createDelegatingPasswordEncoder().encode(password))
                .roles("ANALYTICS_ADMIN").build());
    }
}
