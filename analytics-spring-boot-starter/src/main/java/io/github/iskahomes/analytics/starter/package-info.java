/**
 * The analytics Spring Boot starter holds no code: it is one dependency that brings
 * {@code analytics-spring-boot-autoconfigure}, the core modules, the Micrometer binders (active when the host has
 * Micrometer), Boot's JDBC starter and, optionally, Spring MVC. See docs/analytics-spring-boot.md.
 */
package io.github.iskahomes.analytics.starter;
