/**
 * HTTP/2 towards clients: the connection's codec and its limits ({@link dev.gatehouse.server.h2.Http2Pipeline}),
 * the connection's lifecycle (GOAWAY on drain, idle timeout: {@link dev.gatehouse.server.h2.H2ConnectionHandler}),
 * each stream's conversion between frames and the HTTP/1.1 objects an exchange speaks
 * ({@link dev.gatehouse.server.h2.StreamFrameCodec}, {@link dev.gatehouse.server.h2.StreamRequests}), and the
 * detection of the connection preface on plaintext listeners ({@link dev.gatehouse.server.h2.PriorKnowledgeHandler}).
 * A stream's exchange itself is {@code proxy.StreamSide}'s.
 */
package dev.gatehouse.server.h2;
