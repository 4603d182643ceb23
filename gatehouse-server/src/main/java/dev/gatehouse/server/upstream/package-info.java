/**
 * Connections to backends: pooled per (backend, event loop) so that a client connection and its
 * backend connections share one thread and no lock is taken on the request path.
 */
package dev.gatehouse.server.upstream;
