/**
 * How core's values are written in Redis, for the analytics modules and their tools: the word that starts an entity
 * kind's keys and the JSON form of a stored lead action.
 *
 * <p>Not for use by applications. Everything here may change in any release, including a patch release; it is public
 * only so that the other analytics modules can use it. Left out of the published javadoc.
 */
package io.github.iskahomes.analytics.redis.internal;
