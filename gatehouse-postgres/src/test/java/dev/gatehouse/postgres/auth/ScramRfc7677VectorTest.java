package dev.gatehouse.postgres.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** RFC 7677 section 3's example exchange (user "user", password "pencil"), byte for byte, from both sides. */
class ScramRfc7677VectorTest {

    private static final String CLIENT_NONCE = "rOprNGfwEbeRWgbNEkqO";
    private static final String SERVER_NONCE = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    private static final String CLIENT_FIRST = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
    private static final String SERVER_FIRST =
            "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    private static final String CLIENT_FINAL = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
            + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    private static final String SERVER_FINAL = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";
    /** The same secret computed independently (Python's hashlib.pbkdf2_hmac and hmac). */
    private static final String SECRET = "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$"
            + "WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=";

    @Test
    void theSecretOfPencilWithTheVectorsSalt() {
        ScramSecret secret = ScramSecret.fromPassword("pencil", Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
        assertThat(secret.format()).isEqualTo(SECRET);
    }

    @Test
    void theClientWritesTheVectorsMessages() {
        ScramClient client = ScramClient.create("user", "pencil", CLIENT_NONCE);
        assertThat(client.clientFirst()).isEqualTo(CLIENT_FIRST);
        assertThat(client.receiveServerFirst(bytes(SERVER_FIRST))).isEqualTo(new ScramStep.Continue(CLIENT_FINAL));
        assertThat(client.receiveServerFinal(bytes(SERVER_FINAL))).isEqualTo(new ScramStep.Complete(""));
    }

    @Test
    void theServerWritesTheVectorsMessages() {
        ScramServer server = ScramServer.withNonce(ScramSecret.parse(SECRET), SERVER_NONCE);
        assertThat(server.receiveClientFirst(bytes(CLIENT_FIRST))).isEqualTo(new ScramStep.Continue(SERVER_FIRST));
        assertThat(server.receiveClientFinal(bytes(CLIENT_FINAL))).isEqualTo(new ScramStep.Complete(SERVER_FINAL));
    }

    @Test
    void noncesFromTheRandomSourceAre18BytesOfBase64() {
        ScramClient client = ScramClient.create("pencil", new FixedRandom(0));
        // bytes 0..17 in base64; the user name is empty as libpq sends it
        assertThat(client.clientFirst()).isEqualTo("n,,n=,r=AAECAwQFBgcICQoLDA0ODxAR");

        ScramServer server = ScramServer.create(ScramSecret.parse(SECRET), new FixedRandom(100));
        ScramStep step = server.receiveClientFirst(bytes(CLIENT_FIRST));
        assertThat(step).isEqualTo(new ScramStep.Continue("r=" + CLIENT_NONCE + "ZGVmZ2hpamtsbW5vcHFyc3R1"
                + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"));
    }

    @Test
    void aSecretFromTheRandomSourceHasA16ByteSalt() {
        ScramSecret secret = ScramSecret.fromPassword("pencil", new FixedRandom(0));
        assertThat(secret.iterations()).isEqualTo(ScramSecret.DEFAULT_ITERATIONS);
        assertThat(secret.salt()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
