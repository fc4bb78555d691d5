/**
 * Spring Boot auto-configuration of the analytics modules, registered in
 * {@code META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports}. Every bean backs off
 * when the host declares its own ({@code @ConditionalOnMissingBean}). Settings: {@link
 * io.github.iskahomes.analytics.autoconfigure.AnalyticsProperties} ({@code analytics.*}).
 */
package io.github.iskahomes.analytics.autoconfigure;
