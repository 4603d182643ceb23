/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/, Level 1): reading, checking and making
 * the {@code traceparent} and {@code tracestate} request headers, apart from any I/O
 * ({@link dev.gatehouse.core.trace.TraceParent}, {@link dev.gatehouse.core.trace.TraceState}).
 * Randomness is injected, so tests draw scripted ids.
 */
package dev.gatehouse.core.trace;
