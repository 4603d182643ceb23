package dev.gatehouse.postgres.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.postgres.PostgresCluster;
import dev.gatehouse.testing.postgres.PostgresClusterBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our SCRAM and md5 code against a real PostgreSQL: the secrets it stores are the ones we derive
 * (SASLprep included), a ScramServer holding its stored secret accepts our client, and our clients
 * log in to it over a socket, the protocol messages written by hand.
 */
class ScramAgainstPostgresIT {

    /** Passwords whose preparation differs from their UTF-8 bytes, or where PostgreSQL gives up on SASLprep. */
    static final List<String> PASSWORDS = List.of(
            "p\u00E4ss w\u00F6rd",                // non-ASCII, unchanged by SASLprep
            "\uFF50\uFF41\uFF53\uFF53\u2168",      // NFKC: "passIX"
            "I\u00ADX\u00A0y\u200Bz",              // mapped to nothing, non-ASCII spaces to U+0020
            "caf\u0065\u0301",                     // NFKC composes
            "\uFF46\uE000",                        // private use: prohibited, raw bytes
            "\uFF46\uD83D\uDE00",                  // unassigned in Unicode 3.2: prohibited, raw bytes
            "\u05D0\uFF41");                       // right-to-left with left-to-right: raw bytes

    private static final SecureRandom RANDOM = new SecureRandom();
    private static PostgresCluster pg;

    @BeforeAll
    static void startPostgres() throws Exception {
        PostgresClusterBuilder builder = PostgresCluster.builder()
                .scramUser("alice", "wonder land")
                .md5User("bob", "builder");
        for (int i = 0; i < PASSWORDS.size(); i++) {
            builder.scramUser("carol" + i, PASSWORDS.get(i));
        }
        pg = builder.start();
    }

    @AfterAll
    static void stopPostgres() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void aScramServerWithPostgresStoredSecretAcceptsOurClient() throws Exception {
        String stored = pg.queryString("SELECT rolpassword FROM pg_authid WHERE rolname = 'alice'");
        ScramSecret secret = ScramSecret.parse(stored);
        assertThat(secret.format()).isEqualTo(stored);
        assertThat(secret.iterations()).isEqualTo(4096);
        assertThat(exchange(secret, "wonder land")).isInstanceOf(ScramStep.Complete.class);
        assertThat(exchange(secret, "wonder lands")).isInstanceOfSatisfying(ScramStep.Failure.class,
                f -> assertThat(f.reason()).contains("wrong password"));
    }

    @Test
    void ourScramClientLogsInToPostgres() throws Exception {
        assertThat(scramLogin("alice", "wonder land")).isEqualTo("ok");
    }

    @Test
    void aWrongScramPasswordIsRefusedWith28P01() throws Exception {
        assertThat(scramLogin("alice", "Wonder land")).isEqualTo("28P01");
    }

    static IntStream passwordIndexes() {
        return IntStream.range(0, PASSWORDS.size());
    }

    @ParameterizedTest(name = "password {0}")
    @MethodSource("passwordIndexes")
    void postgresPreparesPasswordsAsWeDo(int i) throws Exception {
        ScramSecret stored = ScramSecret.parse(pg.queryString("SELECT rolpassword FROM pg_authid WHERE rolname = 'carol" + i + "'"));
        assertThat(ScramSecret.fromPassword(PASSWORDS.get(i), stored.salt(), stored.iterations()).format())
                .isEqualTo(stored.format());
        assertThat(scramLogin("carol" + i, PASSWORDS.get(i))).isEqualTo("ok");
    }

    @Test
    void postgresStoresTheMd5HashWeCompute() throws Exception {
        assertThat(pg.queryString("SELECT rolpassword FROM pg_authid WHERE rolname = 'bob'")).isEqualTo(Md5Password.hash("builder", "bob"));
    }

    @Test
    void ourMd5ClientLogsInToPostgres() throws Exception {
        assertThat(md5Login("bob", "builder")).isEqualTo("ok");
    }

    @Test
    void aWrongMd5PasswordIsRefusedWith28P01() throws Exception {
        assertThat(md5Login("bob", "Builder")).isEqualTo("28P01");
    }

    /** Logs in with SCRAM over a socket: "ok" once ReadyForQuery arrives, else the ErrorResponse's SQLSTATE. */
    private static String scramLogin(String user, String password) throws IOException {
        try (PgWire wire = PgWire.startup(pg.port(), user, "postgres")) {
            PgWire.Message sasl = wire.read();
            assertThat(sasl.type()).isEqualTo('R');
            assertThat(sasl.authCode()).isEqualTo(10);
            assertThat(new String(sasl.authData(), StandardCharsets.UTF_8)).isEqualTo("SCRAM-SHA-256\0\0");
            ScramClient client = ScramClient.create(password, RANDOM);
            wire.saslInitialResponse("SCRAM-SHA-256", client.clientFirst().getBytes(StandardCharsets.UTF_8));

            PgWire.Message serverFirst = wire.read();
            assertThat(serverFirst.authCode()).isEqualTo(11);
            ScramStep clientFinal = client.receiveServerFirst(serverFirst.authData());
            wire.saslResponse(((ScramStep.Continue) clientFinal).bytes());

            PgWire.Message serverFinal = wire.read();
            if (serverFinal.type() == 'E') {
                return serverFinal.errorField('C');
            }
            assertThat(serverFinal.authCode()).isEqualTo(12);
            assertThat(client.receiveServerFinal(serverFinal.authData())).isEqualTo(new ScramStep.Complete(""));
            assertThat(wire.read().authCode()).isZero();
            wire.awaitReadyForQuery();
            return "ok";
        }
    }

    /** Logs in with md5 over a socket: "ok" once ReadyForQuery arrives, else the ErrorResponse's SQLSTATE. */
    private static String md5Login(String user, String password) throws IOException {
        try (PgWire wire = PgWire.startup(pg.port(), user, "postgres")) {
            PgWire.Message challenge = wire.read();
            assertThat(challenge.type()).isEqualTo('R');
            assertThat(challenge.authCode()).isEqualTo(5);
            assertThat(challenge.authData()).hasSize(Md5Password.SALT_LENGTH);
            wire.passwordMessage(Md5Password.response(password, user, challenge.authData()));
            PgWire.Message answer = wire.read();
            if (answer.type() == 'E') {
                return answer.errorField('C');
            }
            assertThat(answer.authCode()).isZero();
            wire.awaitReadyForQuery();
            return "ok";
        }
    }

    /** Our client against our server holding {@code secret}: the server's last step or the first failure. */
    private static ScramStep exchange(ScramSecret secret, String password) {
        ScramClient client = ScramClient.create(password, RANDOM);
        ScramServer server = ScramServer.create(secret, RANDOM);
        ScramStep serverFirst = server.receiveClientFirst(client.clientFirst().getBytes(StandardCharsets.UTF_8));
        ScramStep clientFinal = client.receiveServerFirst(((ScramStep.Continue) serverFirst).bytes());
        ScramStep serverFinal = server.receiveClientFinal(((ScramStep.Continue) clientFinal).bytes());
        if (serverFinal instanceof ScramStep.Complete done) {
            assertThat(client.receiveServerFinal(done.bytes())).isEqualTo(new ScramStep.Complete(""));
        }
        return serverFinal;
    }
}
