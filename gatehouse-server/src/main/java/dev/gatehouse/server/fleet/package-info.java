/**
 * A node's part in its fleet's cutovers: the fence each node holds, and the coordinator's commit,
 * release and abort, as the decisions of {@code dev.gatehouse.core.fleet} say.
 */
package dev.gatehouse.server.fleet;
