/**
 * Static files: the node's cache of open files and their metadata ({@link
 * dev.gatehouse.server.files.FileCatalog}), finding the file that answers a request below a root
 * ({@link dev.gatehouse.server.files.FileLookup}), planning the answer (preconditions, ranges;
 * {@link dev.gatehouse.server.files.FilePlanner}) and sending it, zero-copy where the connection
 * allows ({@link dev.gatehouse.server.files.FileBody}). The HTTP decisions are core's
 * ({@code dev.gatehouse.core.content}); the exchange that uses these is {@code proxy.StaticAnswer}.
 */
package dev.gatehouse.server.files;
