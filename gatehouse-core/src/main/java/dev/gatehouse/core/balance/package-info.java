/**
 * Balancing: which backend of a pool takes a request. Plain Java, no I/O; every strategy is a small
 * package-private class behind {@link dev.gatehouse.core.balance.Balancer}, created by its static
 * factories or by {@link dev.gatehouse.core.balance.Balancers#create} from a pool's strategy.
 *
 * <p>Balancers only read {@link dev.gatehouse.core.balance.BackendLoad}: the data plane counts a
 * request as started when it sends it and as finished (with its latency) when its admission
 * ticket is released. Time and randomness are injected ({@link dev.gatehouse.core.time.Clock},
 * {@link java.util.random.RandomGenerator}), so tests are deterministic. A balancer keeps its state
 * (rotation, ring) across snapshots of its pool and copes with members that come and go.
 */
package dev.gatehouse.core.balance;
