/**
 * The JSON of the admin API: request and response records, snake_case on the wire, and
 * {@link dev.gatehouse.core.api.ApiJson}, which reads requests strictly (an unknown field, a value of
 * the wrong type or malformed JSON is an {@link dev.gatehouse.core.api.ApiInputException} naming
 * the field). No I/O and no Netty: the server serves these records and the CLI reads them.
 */
package dev.gatehouse.core.api;
