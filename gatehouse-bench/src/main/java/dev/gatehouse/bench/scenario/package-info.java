/**
 * The slow-requests load scenario (balancing and admission control): {@link
 * dev.gatehouse.bench.scenario.SyncBackends} simulates single-threaded app workers, {@link
 * dev.gatehouse.bench.scenario.OpenLoopClient} sends an open-loop request schedule and measures
 * latency from each request's scheduled send time. Driven by
 * {@code gatehouse-bench/scripts/slow-requests-bench.sh}; see docs/benchmarks.md.
 */
package dev.gatehouse.bench.scenario;
