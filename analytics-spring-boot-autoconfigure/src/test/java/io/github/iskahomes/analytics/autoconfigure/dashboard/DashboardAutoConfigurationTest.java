package io.github.iskahomes.analytics.autoconfigure.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The conditions of {@link DashboardAutoConfiguration} without servers: the default resolver, the host's own
 * winning, off when disabled, endpoints only over the stores' beans, pages only with their jar. What the resolver
 * answers for real requests is checked over HTTP by {@code DashboardBrowserTest}.
 */
class DashboardAutoConfigurationTest {
    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DashboardAutoConfiguration.class));

    @Test
    void theDefaultResolverReadsThePrincipalFirstThenTheTokens() {
        runner.withPropertyValues("analytics.dashboard.tokens.t-1=agent-1")
                .run(context -> assertThat(context.getBean(CallerResolver.class))
                        .isInstanceOf(PrincipalCallerResolver.class));
    }

    @Test
    void theHostsResolverReplacesOurs() {
        CallerResolver host = request -> Optional.of(DashboardCaller.admin("host"));
        runner.withBean(CallerResolver.class, () -> host).run(context ->
                assertThat(context.getBean(CallerResolver.class)).isSameAs(host));
    }

    @Test
    void withoutTheStoresThereAreNoEndpointsAndWithoutTheDashboardJarNoPages() {
        runner.run(context -> {
            assertThat(context).doesNotHaveBean(DashboardController.class).doesNotHaveBean(LiveFeed.class);
            // analytics-dashboard is not on this module's classpath.
            assertThat(context).doesNotHaveBean(WebMvcConfigurer.class);
        });
    }

    @Test
    void disabledMeansNothingAtAll() {
        runner.withPropertyValues("analytics.dashboard.enabled=false").run(context ->
                assertThat(context).doesNotHaveBean(CallerResolver.class).doesNotHaveBean(DashboardProperties.class));
    }

    @Test
    void aListersTokenMayNotBeTheAdminToken() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TokenCallerResolver("same", java.util.Map.of(
                "same", "agent-1"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the token of lister agent-1 is the admin token; give each lister a token of their own");
    }
}
