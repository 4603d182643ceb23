package dev.gatehouse.postgres.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Md5PasswordTest {

    private static final byte[] SALT = {1, 2, 3, 4};

    @Test
    void theStoredHashIsPostgresMd5OfPasswordThenUser() throws Exception {
        // SELECT 'md5' || md5('secret' || 'alice')
        String javaMd5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest("secretalice".getBytes(StandardCharsets.UTF_8)));
        assertThat(Md5Password.hash("secret", "alice")).isEqualTo("md5" + javaMd5);
        // checked by hand: printf %s secretalice | md5sum
        assertThat(Md5Password.hash("secret", "alice")).isEqualTo("md54a0a68b43b6cd5cf266fa02f196e2371");
    }

    @Test
    void theResponseHashesTheHexDigestWithTheRawSalt() {
        // checked by hand: md5 of the 32 ASCII hex digits of md5("secretalice") followed by bytes 01 02 03 04
        assertThat(Md5Password.response("secret", "alice", SALT)).isEqualTo("md598a0412b9c31436fc53776e863350083");
    }

    @Test
    void verifiesAgainstAStoredHashOrAPlaintextPassword() {
        byte[] response = "md598a0412b9c31436fc53776e863350083".getBytes(StandardCharsets.US_ASCII);
        assertThat(Md5Password.verify("md54a0a68b43b6cd5cf266fa02f196e2371", "alice", SALT, response)).isTrue();
        assertThat(Md5Password.verify("secret", "alice", SALT, response)).isTrue();
    }

    @Test
    void refusesAWrongPasswordUserSaltOrResponse() {
        byte[] response = Md5Password.response("secret", "alice", SALT).getBytes(StandardCharsets.US_ASCII);
        assertThat(Md5Password.verify("Secret", "alice", SALT, response)).isFalse();
        assertThat(Md5Password.verify("secret", "bob", SALT, response)).isFalse();
        assertThat(Md5Password.verify("secret", "alice", new byte[] {1, 2, 3, 5}, response)).isFalse();
        assertThat(Md5Password.verify("secret", "alice", SALT, new byte[0])).isFalse();
        assertThat(Md5Password.verify("secret", "alice", SALT, "secret".getBytes(StandardCharsets.US_ASCII))).isFalse();
        byte[] longer = (new String(response, StandardCharsets.US_ASCII) + "0").getBytes(StandardCharsets.US_ASCII);
        assertThat(Md5Password.verify("secret", "alice", SALT, longer)).isFalse();
    }

    @Test
    void theStoredHashAloneAnswersAChallenge() {
        assertThat(Md5Password.responseFromHash("md54a0a68b43b6cd5cf266fa02f196e2371", SALT))
                .isEqualTo(Md5Password.response("secret", "alice", SALT));
        assertThatThrownBy(() -> Md5Password.responseFromHash("secret", SALT)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("secret");
    }

    @Test
    void aStoredScramSecretCannotAnswerMd5() {
        String scram = ScramSecret.fromPassword("secret", new FixedRandom(0)).format();
        byte[] response = Md5Password.response(scram, "alice", SALT).getBytes(StandardCharsets.US_ASCII);
        assertThat(Md5Password.verify(scram, "alice", SALT, response)).isFalse();
    }

    @Test
    void tellsAHashFromAPlaintextPassword() {
        assertThat(Md5Password.isHash("md54a0a68b43b6cd5cf266fa02f196e2371")).isTrue();
        assertThat(Md5Password.isHash("md54A0A68B43B6CD5CF266FA02F196E2371")).isFalse();
        assertThat(Md5Password.isHash("md54a0a68b43b6cd5cf266fa02f196e237")).isFalse();
        assertThat(Md5Password.isHash("md54a0a68b43b6cd5cf266fa02f196e2371a")).isFalse();
        assertThat(Md5Password.isHash("xyz4a0a68b43b6cd5cf266fa02f196e2371")).isFalse();
        assertThat(Md5Password.isHash("md54a0a68b43b6cd5cf266fa02f196e237g")).isFalse();
    }

    @Test
    void nonAsciiPasswordsAreHashedAsUtf8() throws Exception {
        String javaMd5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest("pässbob".getBytes(StandardCharsets.UTF_8)));
        assertThat(Md5Password.hash("päss", "bob")).isEqualTo("md5" + javaMd5);
    }

    @Test
    void saltsAreFourBytesFromTheRandomSource() {
        assertThat(Md5Password.newSalt(new FixedRandom(7))).containsExactly(7, 8, 9, 10);
        assertThatThrownBy(() -> Md5Password.response("secret", "alice", new byte[3]))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("Md5Password: the salt has 3 bytes (expected: 4)");
        assertThatThrownBy(() -> Md5Password.verify("secret", "alice", new byte[5], new byte[35]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
