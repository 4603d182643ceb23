/**
 * The admin listener: the JSON API under {@code /api/v1} and {@code /metrics}, on its own small
 * event loop group so that operators reach a node whatever its client traffic.
 *
 * <p>{@link dev.gatehouse.server.admin.AdminServer} owns the lifecycle; each connection runs
 * {@link dev.gatehouse.server.admin.AdminHandler} (authentication with
 * {@link dev.gatehouse.server.admin.AdminAuth}, then one request at a time), which asks
 * {@link dev.gatehouse.server.admin.AdminRouter} what a request means and hands it to a resource
 * ({@code NodeResource}, {@code PoolsResource}, {@code BackendsResource}, {@code ReloadResource},
 * {@code DeployResource}). Reads are built on the event loop from the current snapshot; every
 * change runs on the one control thread ({@link dev.gatehouse.server.admin.ControlExecutor})
 * because the control plane blocks, and its response is written back on the connection's loop; a
 * deploy runs on a thread of its own ({@link dev.gatehouse.server.deploy.Deploys}) and is answered
 * once started. {@code AdminResponses} is the one place where failures become statuses.
 */
package dev.gatehouse.server.admin;
