package dev.gatehouse.postgres.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Our client against our server, whole exchanges. */
class ScramExchangeTest {

    private final SecureRandom random = new SecureRandom();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "hunter2",
            "wonder land",
            "p\u00E4ss w\u00F6rd \u00DF",                 // non-ASCII, already NFKC
            "\uFF50\uFF41\uFF53\uFF53\u2168",             // fullwidth and a roman numeral, which NFKC changes
            "pass\uE000word\uFF46",                      // a private use character: SASLprep rejects, raw bytes
            "\u05D0\u05D1\u05D2",                         // right-to-left
    })
    void theRightPasswordAuthenticatesBothWays(String password) {
        ScramSecret secret = ScramSecret.fromPassword(password, random);
        assertThat(exchange(secret, password)).isInstanceOf(ScramStep.Complete.class);
    }

    @Test
    void passwordsThatSaslPrepMakesEqualAreEqual() {
        ScramSecret secret = ScramSecret.fromPassword("pass IX", random);
        assertThat(exchange(secret, "\uFF50\uFF41\uFF53\uFF53\u00A0\u2168")).isInstanceOf(ScramStep.Complete.class);
        // once SASLprep rejects a password its raw bytes count, and they differ
        assertThat(exchange(secret, "\uFF50\uFF41\uFF53\uFF53\u00A0\u2168\uE000")).isInstanceOf(ScramStep.Failure.class);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hunter3", "Hunter2", "hunter2 ", "\uFF48unter2\uE000"})
    void aWrongPasswordFails(String wrong) {
        ScramSecret secret = ScramSecret.fromPassword("hunter2", random);
        assertThat(exchange(secret, wrong))
                .isEqualTo(new ScramStep.Failure("the client's proof does not match the stored secret (wrong password)"));
    }

    @Test
    void aClientThatCouldBindButThinksWeCannotIsAccepted() {
        ScramSecret secret = ScramSecret.fromPassword("hunter2", random);
        ScramServer server = ScramServer.create(secret, random);
        String bare = "n=,r=clientnonce";
        String serverFirst = ((ScramStep.Continue) server.receiveClientFirst(bytes("y,," + bare))).message();
        // the proof covers the channel binding attribute, c=eSws (base64 of "y,,") for such a client
        String withoutProof = "c=eSws,r=" + serverFirst.substring(2, serverFirst.indexOf(','));
        String proof = proof("hunter2", secret, bare, serverFirst, withoutProof);
        assertThat(server.receiveClientFinal(bytes(withoutProof + ",p=" + proof))).isInstanceOf(ScramStep.Complete.class);
    }

    @Test
    void aServerWhoseSignatureIsWrongIsRefused() {
        ScramClient client = ScramClient.create("hunter2", random);
        ScramServer server = ScramServer.create(ScramSecret.fromPassword("hunter2", random), random);
        ScramStep serverFirst = server.receiveClientFirst(bytes(client.clientFirst()));
        ScramStep clientFinal = client.receiveServerFirst(((ScramStep.Continue) serverFirst).bytes());
        ScramStep.Complete serverFinal = (ScramStep.Complete) server.receiveClientFinal(((ScramStep.Continue) clientFinal).bytes());
        String forged = serverFinal.message().substring(0, 2) + (serverFinal.message().charAt(2) == 'A' ? 'B' : 'A')
                + serverFinal.message().substring(3);
        assertThat(client.receiveServerFinal(bytes(forged)))
                .isEqualTo(new ScramStep.Failure("server-final: the server's signature is wrong (it does not know the user's secret)"));
    }

    @Test
    void aMockExchangeLooksRealAndAlwaysFails() {
        byte[] mockKey = new byte[32];
        random.nextBytes(mockKey);
        ScramServer first = ScramServer.mock("nobody", mockKey, random);
        ScramServer second = ScramServer.mock("nobody", mockKey, random);
        ScramClient client = ScramClient.create("anything", random);
        String serverFirst = ((ScramStep.Continue) first.receiveClientFirst(bytes(client.clientFirst()))).message();
        String again = ((ScramStep.Continue) second.receiveClientFirst(bytes(ScramClient.create("x", random).clientFirst()))).message();
        // the same salt and count at every attempt for one name, as a real user's
        assertThat(serverFirst.substring(serverFirst.indexOf(",s="))).isEqualTo(again.substring(again.indexOf(",s=")))
                .endsWith(",i=4096");
        ScramStep clientFinal = client.receiveServerFirst(bytes(serverFirst));
        assertThat(first.receiveClientFinal(((ScramStep.Continue) clientFinal).bytes()))
                .isEqualTo(new ScramStep.Failure("user \"nobody\" has no SCRAM secret"));
    }

    /** A whole exchange; the server's last step, or the first failure of either side. */
    private ScramStep exchange(ScramSecret secret, String password) {
        ScramClient client = ScramClient.create(password, random);
        ScramServer server = ScramServer.create(secret, random);
        ScramStep serverFirst = server.receiveClientFirst(bytes(client.clientFirst()));
        if (!(serverFirst instanceof ScramStep.Continue sf)) {
            return serverFirst;
        }
        ScramStep clientFinal = client.receiveServerFirst(sf.bytes());
        if (!(clientFinal instanceof ScramStep.Continue cf)) {
            return clientFinal;
        }
        ScramStep serverFinal = server.receiveClientFinal(cf.bytes());
        if (!(serverFinal instanceof ScramStep.Complete done)) {
            return serverFinal;
        }
        ScramStep verified = client.receiveServerFinal(done.bytes());
        assertThat(verified).isEqualTo(new ScramStep.Complete(""));
        return serverFinal;
    }

    /** ClientProof per RFC 5802, for a message our client does not write. */
    private static String proof(String password, ScramSecret secret, String clientFirstBare, String serverFirst, String withoutProof) {
        byte[] salted = ScramCrypto.saltedPassword(SaslPrep.prepare(password), secret.salt(), secret.iterations());
        byte[] clientKey = ScramCrypto.clientKey(salted);
        byte[] authMessage = bytes(clientFirstBare + "," + serverFirst + "," + withoutProof);
        return ScramCrypto.base64(ScramCrypto.xor(clientKey, ScramCrypto.hmac(secret.storedKey(), authMessage)));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
