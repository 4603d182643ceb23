/**
 * Routing: which pool serves a request, decided from its host and path, and where a redirect route
 * sends its requests ({@link dev.gatehouse.core.route.RedirectLocation}).
 */
package dev.gatehouse.core.route;
