/**
 * The PostgreSQL frontend/backend protocol v3 on Netty: framing and the messages the front door
 * reads or writes.
 *
 * <p>{@link dev.gatehouse.postgres.protocol.PgFrameDecoder} cuts one side of a connection into
 * startup-phase packets ({@link dev.gatehouse.postgres.protocol.StartupPacket}) and typed messages
 * ({@link dev.gatehouse.postgres.protocol.PgMessage}, which keep their bytes as received so that
 * a proxy forwards them untouched). It is bounded (a maximum message size, PostgreSQL's 10,000
 * byte startup packet limit) and strict: bad input fails the decoder with a
 * {@link dev.gatehouse.postgres.protocol.PgProtocolException} carrying the SQLSTATE to answer
 * with, and nothing after it is decoded.
 *
 * <p>{@link dev.gatehouse.postgres.protocol.PgMessages} writes the messages the front door sends
 * itself, to clients and to servers; {@link dev.gatehouse.postgres.protocol.PgReaders} reads the
 * few it must look into. Neither keeps state; everything here runs on a channel's event loop.
 */
package dev.gatehouse.postgres.protocol;
