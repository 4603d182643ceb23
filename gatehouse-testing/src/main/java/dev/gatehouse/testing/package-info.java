/**
 * Test fixtures for Gatehouse's integration tests: {@link dev.gatehouse.testing.StubBackend}, a
 * real HTTP/1.1 server on port 0 whose {@link dev.gatehouse.testing.StubBehavior} decides each
 * answer ({@link dev.gatehouse.testing.StubBehaviors}: the standard app and the faults);
 * {@link dev.gatehouse.testing.RawHttpClient}, a socket client for byte-exact protocol tests;
 * {@link dev.gatehouse.testing.ContinuousLoad}, clients sending on keep-alive connections while a
 * test changes a running node; {@link dev.gatehouse.testing.WebSocketEchoBackend}, a WebSocket echo
 * server that can also refuse upgrades, start the closing handshake or die, with
 * {@link dev.gatehouse.testing.WebSocketTestClient}, a blocking WebSocket client for tests;
 * {@link dev.gatehouse.testing.DeterministicBytes}, bodies of any
 * size that are never held in memory; and {@link dev.gatehouse.testing.LeakGuard}, which fails
 * tests on Netty ByteBuf leaks.
 *
 * <p>To use the leak guard in a module: depend on gatehouse-testing (test scope), add
 * {@code junit.jupiter.extensions.autodetection.enabled=true} to
 * {@code src/test/resources/junit-platform.properties}, and a {@code logback-test.xml} that says
 * {@code <include resource="gatehouse-logback-test.xml"/>}.
 */
package dev.gatehouse.testing;
