/**
 * Plumbing shared by the analytics modules: the checked form of an event, the JSON codec, the metric contract and
 * the plans it produces, validation, id and text rules, calendar columns, the range checks of configuration and the
 * reading of text resources.
 * (The derived-metric formulas are not here: they are SQL functions of analytics-jdbc's schema.)
 *
 * <p>Not for use by applications. Everything here may change in any release, including a patch release; it is public
 * only so that the other analytics modules can use it. Left out of the published javadoc.
 */
package io.github.iskahomes.analytics.core.internal;
