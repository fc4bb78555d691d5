/**
 * The browser tests of analytics.js against the real analytics server on the embedded Redis and PostgreSQL: the page
 * loads the script from the server, sends to its capture path, and the server's cron endpoint aggregates.
 */
package io.github.iskahomes.analytics.browser.site;
