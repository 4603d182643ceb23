/** Built-in demo backends for {@code gatehouse demo}: tiny HTTP servers that answer with their names. */
package dev.gatehouse.server.demo;
