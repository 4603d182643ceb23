/** Routing: which pool serves a request, decided from its host and path. */
package dev.gatehouse.core.route;
