package io.github.iskahomes.analytics.browser.site;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** The test's additions to the analytics server's context: the {@link TestSite} filter, first, and its valve. */
@Configuration(proxyBeanMethods = false)
class SiteConfiguration {

    @Bean
    TestSite testSite() {
        return new TestSite();
    }

    @Bean
    FilterRegistrationBean<TestSite> testSiteFilter(TestSite site) {
        FilterRegistrationBean<TestSite> registration = new FilterRegistrationBean<>(site);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        registration.addUrlPatterns("/*");
        return registration;
    }

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> connectionResets() {
        return factory -> factory.addContextValves(new TestSite.ConnectionResets());
    }
}
