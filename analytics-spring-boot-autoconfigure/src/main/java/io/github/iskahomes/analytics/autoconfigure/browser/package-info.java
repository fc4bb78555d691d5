/**
 * {@code analytics.js} ({@code analytics-browser}) served to the host's pages at {@code analytics.browser.path}:
 * under its content-hashed names, cached for a year, and under {@code analytics.js} / {@code analytics.esm.js},
 * revalidated by ETag for pages that cannot know the hash.
 */
package io.github.iskahomes.analytics.autoconfigure.browser;
