/**
 * PostgreSQL authentication, pure Java and free of Netty and of the protocol's framing: the
 * messages in and out are strings and bytes, which the protocol codec carries in its
 * Authentication* and *Response frames.
 *
 * <ul>
 *   <li>{@link dev.gatehouse.postgres.auth.ScramSecret}: a user's SCRAM-SHA-256 verifier in
 *       PostgreSQL's stored form, read, written, or derived from a password (with SASLprep as
 *       PostgreSQL applies it).</li>
 *   <li>{@link dev.gatehouse.postgres.auth.ScramServer}: the front door checking a client against a
 *       secret; {@link dev.gatehouse.postgres.auth.ScramClient}: the front door proving a configured
 *       password to a real server. Each step gives a {@link dev.gatehouse.postgres.auth.ScramStep};
 *       malformed input is a failure with a reason for the log, never an exception.</li>
 *   <li>{@link dev.gatehouse.postgres.auth.Md5Password}: PostgreSQL's md5 scheme, both sides.</li>
 * </ul>
 *
 * <p>Random values (salts, nonces) come from a {@link java.security.SecureRandom} the caller
 * passes, so that tests can fix them; comparisons of secrets are constant-time.
 */
package dev.gatehouse.postgres.auth;
