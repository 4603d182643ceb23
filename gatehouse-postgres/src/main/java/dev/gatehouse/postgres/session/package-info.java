/**
 * Session state in transaction mode: which statements leave state on a server connection that
 * outlives the transaction (a {@code SET}, a {@code LISTEN}, a session advisory lock, a temporary
 * table, a {@code WITH HOLD} cursor, an SQL-level prepared statement), so that a client that
 * leaves some is pinned to its server connection until the state is gone, and a connection with
 * state is never handed to another client.
 */
package dev.gatehouse.postgres.session;
