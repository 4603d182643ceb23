/**
 * TLS listeners: certificates read from PEM files and checked, one {@code SslContext} per
 * certificate, SNI selection, ALPN, session ticket keys and their rotation, client certificates,
 * reloads that swap contexts for new handshakes while open connections keep theirs, and the
 * handshake and expiry metrics.
 */
package dev.gatehouse.server.tls;
