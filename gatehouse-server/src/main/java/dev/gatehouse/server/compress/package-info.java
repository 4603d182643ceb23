/**
 * Content codings of responses made on the fly: which codings this node can make
 * ({@link dev.gatehouse.server.compress.Codings}) and a body's coding part by part
 * ({@link dev.gatehouse.server.compress.BodyEncoder}). Whether and how to compress is decided in
 * core ({@code core.content.CompressionChoice}); the exchange that uses these is
 * {@code proxy.ResponseCompression}.
 */
package dev.gatehouse.server.compress;
