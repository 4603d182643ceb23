/**
 * A real PostgreSQL server for tests: {@link dev.gatehouse.testing.postgres.PostgresCluster}, a
 * cluster of Debian's PostgreSQL made with initdb in a temporary directory, on 127.0.0.1 and a
 * free port, with login roles by trust, SCRAM-SHA-256 or md5 and databases as its
 * {@link dev.gatehouse.testing.postgres.PostgresClusterBuilder} describes; it can be stopped and
 * started again on the same port with the same data, and leaves no process or file behind.
 * {@link dev.gatehouse.testing.postgres.PostgresExtension} gives a test class one cluster.
 * {@link dev.gatehouse.testing.postgres.PostgresInstallation} finds the server, and fails naming
 * the Debian package {@code postgresql} when there is none.
 *
 * <p>PostgreSQL refuses to run as root; tests that do (CI) run its programs as the
 * {@code postgres} user the package creates. Clients connect with pgjdbc, which this module
 * brings.
 */
package dev.gatehouse.testing.postgres;
