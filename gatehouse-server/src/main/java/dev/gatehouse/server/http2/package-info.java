/**
 * HTTP/2 towards clients: the connection's codec and streams, and its defences
 * ({@link dev.gatehouse.server.http2.Http2Protections}): the attack limits set on Netty's codec, the
 * frame guard before it and the strict request checks after it.
 */
package dev.gatehouse.server.http2;
