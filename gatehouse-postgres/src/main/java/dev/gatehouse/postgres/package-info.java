/**
 * The PostgreSQL front door: listeners that speak the frontend/backend protocol v3, pools of
 * server connections per (database, user) under one connection budget per server, and the hold
 * that hides a server's restart or a switch of primary from the clients.
 *
 * <p>Sub-packages by concern: {@code protocol} (framing and the messages the front door reads or
 * writes), {@code auth} (SCRAM-SHA-256 and md5, both as the server clients talk to and as a client
 * of the real servers).
 */
package dev.gatehouse.postgres;
