/**
 * Runs deploys: registers a new version's backends, drives the core state machine
 * ({@link dev.gatehouse.core.deploy.Deployment}) with what the node observes, and carries out its
 * actions through the control plane and the pool's admission; {@link dev.gatehouse.server.deploy.Deploys}
 * runs them for the admin API, one per pool at a time, each on a daemon thread of its own, and keeps
 * each pool's latest {@link dev.gatehouse.server.deploy.DeployStatus}.
 */
package dev.gatehouse.server.deploy;
