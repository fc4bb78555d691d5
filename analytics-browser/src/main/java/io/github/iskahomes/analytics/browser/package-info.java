/**
 * The browser batcher {@code analytics.js} as static resources, and {@link io.github.iskahomes.analytics.browser.BrowserScript}
 * to serve them: the classic-script build and the ES module, under content-hashed names in
 * {@code META-INF/resources/analytics/} (which servlet containers serve as {@code /analytics/...} by themselves).
 */
package io.github.iskahomes.analytics.browser;
