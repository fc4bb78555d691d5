/** The Actuator health indicator of the analytics pipeline: Redis, PostgreSQL and the age of the last aggregation. */
package io.github.iskahomes.analytics.autoconfigure.health;
