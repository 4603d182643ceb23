/**
 * Per-request decisions of the data plane, apart from its I/O: which backends a new request may go
 * to and which one it is pinned to ({@link dev.gatehouse.core.request.TargetChooser}), and whether
 * and where a failed try is retried ({@link dev.gatehouse.core.request.RetryPolicy}). Time and
 * randomness are injected, so tests drive every branch with a fake clock and scripted draws.
 */
package dev.gatehouse.core.request;
