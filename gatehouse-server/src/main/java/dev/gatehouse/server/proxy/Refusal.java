package dev.gatehouse.server.proxy;

/**
 * A request refused because it went past one of the client limits.
 *
 * @param limit             which one
 * @param error             what the client is answered
 * @param why               for the log and the access record; names the setting, never a header's value
 * @param retryAfterSeconds the {@code Retry-After} of a 429; 0 for none
 */
record Refusal(ClientLimit limit, ProxyError error, String why, long retryAfterSeconds) {
}
