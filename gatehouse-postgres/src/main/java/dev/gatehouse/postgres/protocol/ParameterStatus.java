package dev.gatehouse.postgres.protocol;

/**
 * A server's report of a run-time parameter's value (server_version, client_encoding, ...),
 * which the front door passes on to clients and remembers per server connection.
 *
 * @param name the parameter's name
 * @param value its value
 */
public record ParameterStatus(String name, String value) {
}
