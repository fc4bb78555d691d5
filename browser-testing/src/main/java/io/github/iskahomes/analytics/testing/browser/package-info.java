/**
 * The browser half of the test support: {@link io.github.iskahomes.analytics.testing.browser.ChromiumExtension}
 * gives a JUnit 5 test a {@link io.github.iskahomes.analytics.testing.browser.BrowserPage}, a fresh window of the one
 * headless Chromium this test JVM runs (Debian's {@code chromium} and {@code chromium-driver}, driven by Selenium),
 * with the page's console and screenshots. Overrides: {@code ANALYTICS_CHROMIUM} and {@code ANALYTICS_CHROMEDRIVER}.
 */
package io.github.iskahomes.analytics.testing.browser;
