package dev.gatehouse.postgres.protocol;

/**
 * A client's Execute.
 *
 * @param portal the portal's name; empty for the unnamed portal
 * @param maxRows the most rows to return; 0 for no limit
 */
public record Execute(String portal, int maxRows) {
}
