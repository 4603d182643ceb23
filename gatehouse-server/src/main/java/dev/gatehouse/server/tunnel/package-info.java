/**
 * Tunnels: after a backend answered an HTTP/1.1 Upgrade with {@code 101 Switching Protocols}, the
 * client and backend connections are joined and bytes flow both ways untouched, with backpressure,
 * an idle timeout, and, for WebSocket, a graceful close injected at frame boundaries so a deploy or
 * drain can end long-lived sessions without cutting a frame in half. The registry lets the control
 * plane count and end tunnels by pool, backend and version.
 */
package dev.gatehouse.server.tunnel;
