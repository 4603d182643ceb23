/**
 * The chaos scenario (failure handling): {@link dev.gatehouse.bench.chaos.ChaosRun} starts the
 * backends as separate processes behind a running Gatehouse node, sends a mix of GETs and POSTs
 * with unique request ids ({@link dev.gatehouse.bench.chaos.ChaosLoad}) while
 * {@link dev.gatehouse.bench.chaos.ChaosMonkey} SIGKILLs and restarts backends at random, and
 * {@link dev.gatehouse.bench.chaos.ChaosReport} matches the client's failures with the backends'
 * request logs and the node's access log. Driven by {@code gatehouse-bench/scripts/chaos-bench.sh};
 * see docs/benchmarks.md. The soak ({@code dev.gatehouse.bench.soak}) reuses the fleet, the
 * monkey and the wall clock.
 */
package dev.gatehouse.bench.chaos;
