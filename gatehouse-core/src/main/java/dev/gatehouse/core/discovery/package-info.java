/**
 * Backends found in DNS: what a pool's {@code discover} names resolve to, when to ask again, and
 * how the answers join the configuration. Decisions only, on the caller's clock; the queries are
 * the server's.
 */
package dev.gatehouse.core.discovery;
