/** The demo: seeded marketplace traffic with its own independent tally, and the check of every table against it. */
package io.github.iskahomes.analytics.examples.demo;
