/** Compiled snippets of how a host app wires the modules: a servlet, a Spring controller, a scheduler, tracking. */
package io.github.iskahomes.analytics.examples.wiring;
