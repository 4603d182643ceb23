/**
 * HTTP semantics of representations, decided without I/O: byte ranges, conditional requests,
 * entity tags, HTTP dates, media types and content-coding negotiation (RFC 9110), and the mapping
 * of a request path to the names of a file below a static root. The static file server, the cache
 * and compression in the data plane read their answers from here.
 */
package dev.gatehouse.core.content;
