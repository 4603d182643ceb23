package dev.gatehouse.postgres.protocol;

/**
 * The parts of a client's Bind the front door looks at: which statement it binds into which portal.
 *
 * @param portal the destination portal's name; empty for the unnamed portal
 * @param statement the source prepared statement's name; empty for the unnamed statement
 */
public record Bind(String portal, String statement) {
}
