package dev.gatehouse.postgres.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/**
 * Pass-through: the ClientKey recovered from a client's proof, and a client that logs in to a
 * server with it and the stored ServerKey instead of the password.
 */
class ScramPassThroughTest {

    private final SecureRandom random = new SecureRandom();

    @Test
    void theRecoveredClientKeyIsTheOneThePasswordDerives() {
        byte[] salt = new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
        ScramSecret secret = ScramSecret.fromPassword("hunter2", salt, 4096);
        ScramServer server = ScramServer.create(secret, random);

        assertThat(run(ScramClient.create("hunter2", random), server)).isInstanceOf(ScramStep.Complete.class);

        byte[] salted = ScramCrypto.saltedPassword("hunter2".getBytes(StandardCharsets.UTF_8), salt, 4096);
        ScramKeys keys = server.passThroughKeys();
        assertThat(keys.clientKey()).isEqualTo(ScramCrypto.clientKey(salted));
        assertThat(keys.serverKey()).isEqualTo(secret.serverKey());
        assertThat(keys.salt()).isEqualTo(salt);
        assertThat(keys.iterations()).isEqualTo(4096);
    }

    @Test
    void theKeysLogInToAServerHoldingTheSameSecretAndTheServerIsVerified() {
        ScramSecret secret = ScramSecret.fromPassword("p\u00E4ss w\u00F6rd", random);
        ScramServer front = ScramServer.create(secret, random);
        run(ScramClient.create("p\u00E4ss w\u00F6rd", random), front);
        ScramKeys keys = front.passThroughKeys();

        // the "server": another exchange against the same stored secret, as PostgreSQL runs it
        ScramServer server = ScramServer.create(secret, random);
        ScramClient passThrough = ScramClient.withKeys(keys, random);
        ScramStep serverFinal = run(passThrough, server);
        assertThat(serverFinal).isInstanceOf(ScramStep.Complete.class);
    }

    @Test
    void aServerWithAnotherSaltOrCountIsRefusedClearly() {
        ScramSecret secret = ScramSecret.fromPassword("hunter2", random);
        ScramServer front = ScramServer.create(secret, random);
        run(ScramClient.create("hunter2", random), front);
        ScramKeys keys = front.passThroughKeys();

        // the same password stored again: a new salt (PostgreSQL makes one at every ALTER ROLE ... PASSWORD)
        ScramSecret changed = ScramSecret.fromPassword("hunter2", random);
        ScramStep step = run(ScramClient.withKeys(keys, random), ScramServer.create(changed, random));
        assertThat(step).isInstanceOf(ScramStep.Failure.class);
        assertThat(((ScramStep.Failure) step).reason()).contains("salt and iteration count").contains("secret changed");

        ScramSecret moreIterations = ScramSecret.fromPassword("hunter2", secret.salt(), 5000);
        assertThat(run(ScramClient.withKeys(keys, random), ScramServer.create(moreIterations, random)))
                .isInstanceOf(ScramStep.Failure.class);
    }

    @Test
    void aServerThatDoesNotKnowTheSecretIsRefused() {
        ScramSecret secret = ScramSecret.fromPassword("hunter2", random);
        ScramServer front = ScramServer.create(secret, random);
        run(ScramClient.create("hunter2", random), front);
        ScramKeys keys = front.passThroughKeys();
        // same salt and count, other keys: the client's proof fails at the server
        ScramSecret other = ScramSecret.fromPassword("other", secret.salt(), secret.iterations());
        assertThat(run(ScramClient.withKeys(keys, random), ScramServer.create(other, random)))
                .isEqualTo(new ScramStep.Failure("the client's proof does not match the stored secret (wrong password)"));
    }

    @Test
    void noKeysWithoutAMatchingProof() {
        ScramSecret secret = ScramSecret.fromPassword("hunter2", random);
        ScramServer wrong = ScramServer.create(secret, random);
        assertThat(run(ScramClient.create("hunter3", random), wrong)).isInstanceOf(ScramStep.Failure.class);
        assertThatThrownBy(wrong::passThroughKeys).isInstanceOf(IllegalStateException.class);

        ScramServer mock = ScramServer.mock("nobody", new byte[32], random);
        assertThat(run(ScramClient.create("hunter2", random), mock)).isInstanceOf(ScramStep.Failure.class);
        assertThatThrownBy(mock::passThroughKeys).isInstanceOf(IllegalStateException.class);

        assertThatThrownBy(ScramServer.create(secret, random)::passThroughKeys).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theKeysAreNeverShown() {
        ScramSecret secret = ScramSecret.fromPassword("hunter2", random);
        ScramServer front = ScramServer.create(secret, random);
        run(ScramClient.create("hunter2", random), front);
        ScramKeys keys = front.passThroughKeys();
        assertThat(keys.toString()).doesNotContain(ScramCrypto.base64(keys.clientKey()))
                .doesNotContain(ScramCrypto.base64(keys.serverKey())).contains("iterations=4096");
        assertThatThrownBy(() -> new ScramKeys(4096, new byte[16], new byte[31], new byte[32]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** A whole exchange: the server's last step, or the first failure of either side (the client checks the server). */
    private static ScramStep run(ScramClient client, ScramServer server) {
        ScramStep serverFirst = server.receiveClientFirst(client.clientFirst().getBytes(StandardCharsets.UTF_8));
        if (!(serverFirst instanceof ScramStep.Continue first)) {
            return serverFirst;
        }
        ScramStep clientFinal = client.receiveServerFirst(first.bytes());
        if (!(clientFinal instanceof ScramStep.Continue fin)) {
            return clientFinal;
        }
        ScramStep serverFinal = server.receiveClientFinal(fin.bytes());
        if (!(serverFinal instanceof ScramStep.Complete done)) {
            return serverFinal;
        }
        ScramStep verified = client.receiveServerFinal(done.bytes());
        return verified instanceof ScramStep.Complete ? serverFinal : verified;
    }
}
