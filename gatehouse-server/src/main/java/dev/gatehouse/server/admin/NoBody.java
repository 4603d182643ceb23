package dev.gatehouse.server.admin;

/** The body of a request that takes none: empty, or {@code {}}; any field is an error. */
record NoBody() {
}
