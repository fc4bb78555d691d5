/** An example Spring Boot app on the analytics starter, compiled and tested in the build. */
package io.github.iskahomes.analytics.examples.boot;
