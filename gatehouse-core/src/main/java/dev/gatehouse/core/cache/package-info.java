/**
 * The decisions of a shared HTTP cache (RFC 9111, with RFC 5861's stale extensions, RFC 8246's
 * {@code immutable} and RFC 9211's {@code Cache-Status}), without storage or I/O: the data plane
 * keeps the bodies and asks these classes what to do.
 *
 * <ul>
 *   <li>On a request: build the {@link dev.gatehouse.core.cache.CacheKey}, find stored variants,
 *       pick the one whose {@link dev.gatehouse.core.cache.VaryKey} matches, and ask
 *       {@link dev.gatehouse.core.cache.Lookup} whether to serve it, serve it stale, validate it
 *       ({@link dev.gatehouse.core.cache.Revalidation#conditionalHeaders}) or forward.</li>
 *   <li>On a response: ask {@link dev.gatehouse.core.cache.Storability}, store
 *       {@link dev.gatehouse.core.cache.Storability#fieldsToStore} with a
 *       {@link dev.gatehouse.core.cache.StoredMeta}, which holds its
 *       {@link dev.gatehouse.core.cache.Freshness} lifetime and times; on a 304, freshen the entry
 *       ({@link dev.gatehouse.core.cache.Revalidation}); on an error, ask
 *       {@link dev.gatehouse.core.cache.Lookup#staleIfErrorAllows}; after an unsafe request, ask
 *       {@link dev.gatehouse.core.cache.Invalidation}.</li>
 *   <li>On the way out: report with {@link dev.gatehouse.core.cache.CacheStatusHeader}.</li>
 * </ul>
 *
 * <p>Everything here reads fields through {@link dev.gatehouse.core.content.HeaderView}, takes time
 * as epoch seconds from the caller, and never throws on what came from the network: every
 * malformed, repeated or oversized input has a defined reading, always the one that caches less
 * or for shorter. Route knobs are in {@link dev.gatehouse.core.cache.CachePolicy}.
 *
 * <p>HTTP-dates and entity tags are read with {@link dev.gatehouse.core.content.HttpDates} and
 * {@link dev.gatehouse.core.content.EntityTag}, the ones conditional requests use. A date field is
 * read as of when its message was received (an RFC 850 two-digit year needs a "now"), so a stored
 * response's dates never change while it is stored.
 */
package dev.gatehouse.core.cache;
