/**
 * The server side of the lister dashboard ({@code analytics-dashboard}'s pages): its JSON and Server-Sent Events
 * endpoints under {@code analytics.dashboard.api-path}, who sees what ({@link
 * io.github.iskahomes.analytics.autoconfigure.dashboard.CallerResolver}), and the pages mounted at
 * {@code analytics.dashboard.path}.
 */
package io.github.iskahomes.analytics.autoconfigure.dashboard;
