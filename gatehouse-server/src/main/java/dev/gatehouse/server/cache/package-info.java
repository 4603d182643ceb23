/**
 * The shared HTTP cache's storage (RFC 9111): stored responses ({@link
 * dev.gatehouse.server.cache.CachedResponse}) kept by primary key with up to eight variants each,
 * in memory ({@link dev.gatehouse.server.cache.MemoryTier}) in front of an optional directory
 * ({@link dev.gatehouse.server.cache.DiskTier}), together a {@link
 * dev.gatehouse.server.cache.ResponseStore}; and request collapsing ({@link
 * dev.gatehouse.server.cache.Collapser}). What may be stored, for how long and for which request
 * are core's decisions ({@code dev.gatehouse.core.cache}); nothing here reads HTTP.
 */
package dev.gatehouse.server.cache;
