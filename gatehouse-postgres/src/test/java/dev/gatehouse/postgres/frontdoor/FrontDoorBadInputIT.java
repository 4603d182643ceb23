package dev.gatehouse.postgres.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.LeakGuard;
import dev.gatehouse.testing.postgres.PostgresCluster;
import dev.gatehouse.testing.postgres.PostgresExtension;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad input after the login, on a raw socket: a message type a client may not send, a message
 * over the size limit, a password message mid-session. Each gets a FATAL error with its SQLSTATE,
 * the connection is closed, and the next client is served.
 */
final class FrontDoorBadInputIT {

    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension(PostgresCluster.builder()
            .trustUser("local").database("appdb", "local"));

    private static FrontDoorFixture front;

    @BeforeAll
    static void start() throws Exception {
        front = FrontDoorFixture.start(postgres.cluster(), """
                listeners: [{ bind: 127.0.0.1:0 }]
                servers: { main: { address: SERVER, max_connections: 2 } }
                pools:
                  appdb: { server: main }
                  appsession: { server: main, database: appdb, mode: session, max_connections: 1 }
                users: { local: { auth: trust } }
                limits: { max_message_size: 64KiB }
                """);
    }

    @AfterAll
    static void stop() {
        if (front != null) {
            front.close();
        }
    }

    @Test
    void aBackendMessageTypeFromAClient_isAProtocolViolation() throws Exception {
        try (RawPgClient raw = RawPgClient.loggedIn(front.port, "local", "appdb")) {
            raw.send('Z', new byte[] {'I'});
            assertThat(raw.errorAndClose()).contains("C08P01");
        }
        assertServing();
    }

    @Test
    void aMessageOverTheLimit_isRefusedBeforeItIsRead() throws Exception {
        try (RawPgClient raw = RawPgClient.loggedIn(front.port, "local", "appdb")) {
            raw.out.writeByte('Q');
            raw.out.writeInt(1 << 20);
            raw.out.flush();
            assertThat(raw.errorAndClose()).contains("C54000");
        }
        assertServing();
    }

    @Test
    void aPasswordMessageMidSession_isAProtocolViolation() throws Exception {
        try (RawPgClient raw = RawPgClient.loggedIn(front.port, "local", "appdb")) {
            raw.send('p', "secret\0".getBytes(StandardCharsets.UTF_8));
            assertThat(raw.errorAndClose()).contains("C08P01");
        }
        assertServing();
    }

    @Test
    void aSimpleQueryWorksOnTheRawSocket() throws Exception {
        try (RawPgClient raw = RawPgClient.loggedIn(front.port, "local", "appdb")) {
            raw.send('Q', "SELECT 41 + 1\0".getBytes(StandardCharsets.UTF_8));
            assertThat(raw.untilReady()).contains("42");
        }
    }

    @Test
    void aMalformedBind_isAProtocolViolationAndNothingLeaks() throws Exception {
        LeakGuard.check("before the malformed Bind");
        try (RawPgClient raw = RawPgClient.loggedIn(front.port, "local", "appdb")) {
            raw.send('Q', "SELECT 1\0".getBytes(StandardCharsets.UTF_8));
            raw.untilReady();
            // Portal "", statement "", no formats, one parameter of length -5.
            raw.send('B', new byte[] {0, 0, 0, 0, 0, 1, -1, -1, -1, -5});
            assertThat(raw.errorAndClose()).contains("C08P01");
        }
        assertServing();
        LeakGuard.check("after the malformed Bind");
    }

    @Test
    void sessionMode_aClientLeavingBeforeItsAnswer_doesNotPassTheResetsAnswerToTheNextClient() throws Exception {
        // The pool has one connection: the second client waits for the first one's.
        try (RawPgClient first = RawPgClient.loggedIn(front.port, "local", "appsession")) {
            first.send('Q', "SELECT pg_sleep(1)\0".getBytes(StandardCharsets.UTF_8));
        }
        try (RawPgClient next = RawPgClient.loggedIn(front.port, "local", "appsession")) {
            next.send('Q', "SELECT 'mine'\0".getBytes(StandardCharsets.UTF_8));
            String answer = next.untilReady();
            assertThat(answer).contains("mine").doesNotContain("DISCARD");
        }
    }

    private static void assertServing() throws Exception {
        try (RawPgClient raw = RawPgClient.loggedIn(front.port, "local", "appdb")) {
            raw.send('Q', "SELECT 'serving'\0".getBytes(StandardCharsets.UTF_8));
            assertThat(raw.untilReady()).contains("serving");
        }
    }
}
