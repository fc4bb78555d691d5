/**
 * Benchmarks as mains (never timed tests): ingest beside Redis's own ceiling, what each part of a script call costs
 * Redis, aggregation beside the row-at-a-time loop, tracking beside other SDKs, the batcher's heap with a dead
 * backend, and the soak with faults.
 */
package io.github.iskahomes.analytics.examples.bench;
