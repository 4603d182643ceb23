/**
 * The PostgreSQL front door's side of the node's admin API and metrics: {@link
 * dev.gatehouse.postgres.admin.FrontDoorAdmin} serves {@code /api/v1/databases...} through the
 * server module's {@link dev.gatehouse.server.admin.DatabasesAdmin}, and {@link
 * dev.gatehouse.postgres.admin.FrontDoorMetrics} puts the front door's figures on the node's
 * Micrometer registry.
 */
package dev.gatehouse.postgres.admin;
