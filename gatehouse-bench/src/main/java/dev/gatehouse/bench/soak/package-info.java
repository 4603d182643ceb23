/**
 * The soak (issue 11): {@link dev.gatehouse.bench.soak.SoakRun} drives a running Gatehouse node for
 * a long time with mixed HTTP ({@link dev.gatehouse.bench.soak.SoakLoad}) and WebSocket
 * ({@link dev.gatehouse.bench.soak.SoakWebSockets}) traffic while the chaos scenario's
 * {@link dev.gatehouse.bench.chaos.ChaosMonkey} restarts its backends, and samples the node's RSS,
 * descriptors, threads and event-loop lag ({@link dev.gatehouse.bench.soak.NodeSampler});
 * {@link dev.gatehouse.bench.soak.SoakReport} fits each series ({@link dev.gatehouse.bench.soak.Trend})
 * and says whether it stayed flat. Driven by {@code gatehouse-bench/scripts/soak.sh}; see
 * docs/benchmarks.md, "Soak".
 */
package dev.gatehouse.bench.soak;
