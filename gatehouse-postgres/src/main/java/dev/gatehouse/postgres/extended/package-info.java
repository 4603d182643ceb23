/**
 * The extended query protocol in transaction mode: which server message answers which client
 * message ({@link ResponseSequencer}), so that a server connection is released only when nothing
 * is pending, and so that the front door can answer some client messages itself and drop the
 * answers to messages it added; and named prepared statements, tracked per client and prepared
 * per server connection under other names with a bounded cache ({@link PreparedStatements}).
 */
package dev.gatehouse.postgres.extended;
