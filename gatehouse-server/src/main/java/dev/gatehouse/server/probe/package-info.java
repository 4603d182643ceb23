/**
 * Active health checks: every backend of a pool that has {@code health_check} is probed on its own
 * schedule, on one of the node's event loops, over a fresh connection (never a pooled one, so a
 * check sees what a new client connection would), and the results go to the pool's
 * {@link dev.gatehouse.core.health.PoolHealth}, which decides what they mean.
 */
package dev.gatehouse.server.probe;
