/**
 * The idle-tunnel memory scenario: {@link dev.gatehouse.bench.tunnel.IdleTunnelLoad} opens many
 * WebSocket connections through a proxy at a bounded rate, checks each with one echo and holds
 * them idle while {@code gatehouse-bench/scripts/tunnel-memory-bench.sh} measures the proxy's
 * memory. See docs/benchmarks.md.
 */
package dev.gatehouse.bench.tunnel;
