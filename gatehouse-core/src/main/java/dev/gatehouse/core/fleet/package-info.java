/**
 * The decisions of a fleet of nodes that share their runtime state, apart from the store that
 * holds it (module gatehouse-fleet, on etcd): whether this node's view of the shared state is
 * known to be current ({@link dev.gatehouse.core.fleet.Freshness}), and what each node reports
 * about itself ({@link dev.gatehouse.core.fleet.NodeReport}, {@link dev.gatehouse.core.fleet.FleetView}).
 * Pure; time comes from an injected clock.
 */
package dev.gatehouse.core.fleet;
