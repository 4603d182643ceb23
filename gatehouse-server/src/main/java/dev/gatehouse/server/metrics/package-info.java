/**
 * The node's metrics, in Micrometer, exposed in the Prometheus text format: request counts and
 * latency histograms per pool, backend and version, what the balancer and admission know per
 * backend and per pool (in flight, health, queue, retries), connections, and the JVM.
 *
 * <p>{@link dev.gatehouse.server.metrics.NodeMetrics} is the one public entry point. The proxy
 * reports each finished exchange through {@link dev.gatehouse.server.proxy.ExchangeRecorder}, so
 * that the data plane does not depend on Micrometer; everything else is read from the current
 * snapshot when Prometheus scrapes, so that it costs nothing per request. Meter names are dotted
 * and lowercase here ({@code gatehouse.requests}); Prometheus shows them with underscores and its
 * suffixes ({@code gatehouse_requests_total}). {@code docs/operations.md} lists them all.
 */
package dev.gatehouse.server.metrics;
