/**
 * Runs deploys: registers a new version's backends, drives the core state machine
 * ({@link dev.gatehouse.core.deploy.Deployment}) with what the node observes, and carries out its
 * actions through the control plane and the pool's admission.
 */
package dev.gatehouse.server.deploy;
