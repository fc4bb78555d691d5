/** The lister dashboard's static pages; {@link io.github.iskahomes.analytics.dashboard.Dashboard} says where. */
package io.github.iskahomes.analytics.dashboard;
