/**
 * The TLS scenario's handshake client: {@link dev.gatehouse.bench.tls.HandshakeLoad} opens
 * connection after connection through a TLS proxy, each with a full or a resumed handshake and one
 * request, and reads the proxy's CPU time from /proc at the boundaries of its warm-up and
 * measured phases ({@link dev.gatehouse.bench.tls.CpuSample}). Driven by
 * {@code gatehouse-bench/scripts/tls-bench.sh}; see docs/benchmarks.md.
 */
package dev.gatehouse.bench.tls;
