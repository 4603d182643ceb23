/**
 * The hold: a server's pause, resume and repoint. While a server is paused no client gets one of
 * its connections; transactions in flight finish (or are cancelled at a deadline), new ones wait
 * with their first message kept, and once every connection is closed the server may restart or
 * be replaced by another primary; resume lets the waiting clients in, on the new address when it
 * was repointed.
 */
package dev.gatehouse.postgres.hold;
