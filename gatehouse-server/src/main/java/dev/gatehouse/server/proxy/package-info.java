/**
 * The proxy's request path: the client pipeline, one exchange per request, header rewriting, and
 * the one place where failures become HTTP statuses.
 */
package dev.gatehouse.server.proxy;
