/** The JSON access log: one line per request, written through SLF4J's {@code gatehouse.access} logger. */
package dev.gatehouse.server.log;
