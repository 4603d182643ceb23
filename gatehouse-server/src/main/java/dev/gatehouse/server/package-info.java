/** The node's lifecycle: event loops, listeners, the snapshot in force, graceful shutdown. */
package dev.gatehouse.server;
