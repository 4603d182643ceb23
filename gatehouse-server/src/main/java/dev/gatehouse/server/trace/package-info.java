/**
 * Spans per request (issue 16's tracing): {@link dev.gatehouse.server.trace.SpanExport} owns
 * OpenTelemetry's SDK and its OTLP exporter for the node; {@link dev.gatehouse.server.trace.ExchangeSpan}
 * is one request's span, with the phases as events. The W3C headers themselves are the proxy's
 * ({@code TraceHeaders}) and core's ({@code dev.gatehouse.core.trace}).
 */
package dev.gatehouse.server.trace;
