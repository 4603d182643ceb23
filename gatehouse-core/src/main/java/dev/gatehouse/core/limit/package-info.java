/**
 * Limits on what one client may take: a request rate per key ({@link dev.gatehouse.core.limit.RateLimiter})
 * and open connections per client address ({@link dev.gatehouse.core.limit.ConnectionCounts}). Plain
 * Java: time is passed in by the caller, read from the node's monotonic clock.
 */
package dev.gatehouse.core.limit;
