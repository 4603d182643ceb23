package dev.gatehouse.postgres.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ScramSecretTest {

    /** "wonder land" with salt bytes 0..15, computed independently (Python's hashlib). */
    private static final String WONDER_LAND = "SCRAM-SHA-256$4096:AAECAwQFBgcICQoLDA0ODw==$"
            + "tAuq5ghQ6+Z/KR7Fc0lTuheKopOlfuFfY3Xnmif3WmM=:ky64pBdF50jTsy9TYfTc7UHYG4uNNV70smsbacDFeEY=";
    private static final String KEY = "tAuq5ghQ6+Z/KR7Fc0lTuheKopOlfuFfY3Xnmif3WmM=";

    @Test
    void parsesAndFormatsPostgresStoredForm() {
        ScramSecret secret = ScramSecret.parse(WONDER_LAND);
        assertThat(secret.iterations()).isEqualTo(4096);
        assertThat(secret.salt()).hasSize(16);
        assertThat(secret.storedKey()).hasSize(32);
        assertThat(secret.serverKey()).hasSize(32);
        assertThat(secret.format()).isEqualTo(WONDER_LAND);
    }

    @Test
    void derivesTheSameSecretFromThePassword() {
        byte[] salt = new byte[16];
        new FixedRandom(0).nextBytes(salt);
        assertThat(ScramSecret.fromPassword("wonder land", salt, 4096).format()).isEqualTo(WONDER_LAND);
        assertThat(ScramSecret.fromPassword("wonder land", new FixedRandom(0)).format()).isEqualTo(WONDER_LAND);
    }

    @Test
    void toStringLeavesTheKeysOut() {
        assertThat(ScramSecret.parse(WONDER_LAND).toString())
                .isEqualTo("ScramSecret[iterations=4096, salt=AAECAwQFBgcICQoLDA0ODw==]")
                .doesNotContain(KEY);
    }

    @Test
    void accessorsReturnCopies() {
        ScramSecret secret = ScramSecret.parse(WONDER_LAND);
        secret.salt()[0] = 42;
        secret.storedKey()[0] = 42;
        assertThat(secret.format()).isEqualTo(WONDER_LAND);
    }

    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource(delimiter = '|', value = {
            "''|it does not start with SCRAM-SHA-256$",
            "md5a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5|it does not start with SCRAM-SHA-256$",
            "SCRAM-SHA-1$4096:AAECAwQFBgcICQoLDA0ODw==$" + KEY + ":" + KEY + "|it does not start",
            "SCRAM-SHA-256$4096:AAECAwQFBgcICQoLDA0ODw==|-separated parts, not 3",
            "SCRAM-SHA-256$4096:AAECAwQFBgcICQoLDA0ODw==$" + KEY + ":" + KEY + "$x|4 ",
            "SCRAM-SHA-256$4096$AAECAwQFBgcICQoLDA0ODw==$" + KEY + "|4 ",
            "SCRAM-SHA-256$4096:AAECAwQFBgcICQoLDA0ODw==:x$" + KEY + ":" + KEY + "|-separated values",
            "SCRAM-SHA-256$4096:AAECAwQFBgcICQoLDA0ODw==$" + KEY + "|-separated values",
            "SCRAM-SHA-256$0:AAECAwQFBgcICQoLDA0ODw==$" + KEY + ":" + KEY + "|the iteration count is not a number in 1..10000000",
            "SCRAM-SHA-256$-1:AAECAwQFBgcICQoLDA0ODw==$" + KEY + ":" + KEY + "|the iteration count",
            "SCRAM-SHA-256$04096:AAECAwQFBgcICQoLDA0ODw==$" + KEY + ":" + KEY + "|the iteration count",
            "SCRAM-SHA-256$+4096:AAECAwQFBgcICQoLDA0ODw==$" + KEY + ":" + KEY + "|the iteration count",
            "SCRAM-SHA-256$10000001:AAECAwQFBgcICQoLDA0ODw==$" + KEY + ":" + KEY + "|the iteration count",
            "SCRAM-SHA-256$99999999999:AAECAwQFBgcICQoLDA0ODw==$" + KEY + ":" + KEY + "|the iteration count",
            "SCRAM-SHA-256$abc:AAECAwQFBgcICQoLDA0ODw==$" + KEY + ":" + KEY + "|the iteration count",
            "SCRAM-SHA-256$4096:$" + KEY + ":" + KEY + "|the salt is not base64",
            "SCRAM-SHA-256$4096:AAECAwQFBgcICQoLDA0ODw$" + KEY + ":" + KEY + "|the salt is not base64",
            "SCRAM-SHA-256$4096:AAECAwQFBgcICQoLDA0ODx==$" + KEY + ":" + KEY + "|the salt is not base64",
            "SCRAM-SHA-256$4096:AAEC AwQFBgcICQoLDA0ODw=$" + KEY + ":" + KEY + "|the salt is not base64",
            "SCRAM-SHA-256$4096:AAECAwQFBgcICQoLDA0ODw==$AAAA:" + KEY + "|the StoredKey is not base64 of 32 bytes",
            "SCRAM-SHA-256$4096:AAECAwQFBgcICQoLDA0ODw==$" + KEY + ":!!!!|the ServerKey is not base64 of 32 bytes",
    })
    void rejectsAnythingButTheExactForm(String text, String why) {
        assertThatThrownBy(() -> ScramSecret.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("ScramSecret: \"" + text + "\" (expected: SCRAM-SHA-256$<iterations>:<salt>$<storedkey>:<serverkey>): ")
                .hasMessageContaining(why);
        assertThat(ScramSecret.isScramSecret(text)).isFalse();
    }

    @Test
    void aLongBadSecretIsShortenedInTheError() {
        String text = "SCRAM-SHA-256$" + "9".repeat(5000);
        assertThatThrownBy(() -> ScramSecret.parse(text)).hasMessageContaining("9999...\" (expected:")
                .message().hasSizeLessThan(400);
    }

    @Test
    void refusesAnEmptyPasswordABadSaltAndABadCount() {
        assertThatThrownBy(() -> ScramSecret.fromPassword("", new FixedRandom(0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("ScramSecret: the password is empty");
        assertThatThrownBy(() -> ScramSecret.fromPassword("x", new byte[0], 4096))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the salt has 0 bytes");
        assertThatThrownBy(() -> ScramSecret.fromPassword("x", new byte[16], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 iterations (expected: 1..10000000)");
    }
}
