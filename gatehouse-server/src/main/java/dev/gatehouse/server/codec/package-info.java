/**
 * The HTTP/1.1 codec of client connections: {@link dev.gatehouse.server.codec.ClientCodec}, whose
 * decoder checks every request head against RFC 9112 before Netty's decoder reads it.
 */
package dev.gatehouse.server.codec;
