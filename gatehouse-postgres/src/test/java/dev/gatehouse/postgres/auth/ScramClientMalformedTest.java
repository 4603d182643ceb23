package dev.gatehouse.postgres.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every way a server's message can be wrong ends the client's exchange with a failure, never an exception. */
class ScramClientMalformedTest {

    private static final String SALT = ",s=AAECAwQFBgcICQoLDA0ODw==";

    static Stream<Arguments> badServerFirst() {
        return Stream.of(
                arguments("", "server-first message is empty"),
                arguments("m=ext,r=abcdef" + SALT + ",i=4096", "the server requires an extension (m=)"),
                arguments("r=abc" + SALT + ",i=4096", "the nonce is not ours followed by the server's"),
                arguments("r=xyzdef" + SALT + ",i=4096", "the nonce is not ours followed by the server's"),
                arguments("r=abcd f" + SALT + ",i=4096", "the nonce is not ours followed by the server's"),
                arguments("s=AAAA,r=abcdef,i=4096", "server-first nonce: expected 'r=' at offset 0"),
                arguments("r=abcdef,i=4096", "server-first salt: expected 's=' at offset 9"),
                arguments("r=abcdef" + SALT, "server-first iteration count: expected 'i=' at offset 35"),
                arguments("r=abcdef,s=,i=4096", "the salt is not base64"),
                arguments("r=abcdef,s=AAECAwQFBgcICQoLDA0ODw,i=4096", "the salt is not base64"),
                arguments("r=abcdef,s=AA%CAwQFBgcICQoLDA0ODw==,i=4096", "the salt is not base64"),
                arguments("r=abcdef" + SALT + ",i=0", "the iteration count is not a number in 1..10000000"),
                arguments("r=abcdef" + SALT + ",i=10000001", "the iteration count is not a number"),
                arguments("r=abcdef" + SALT + ",i=-4096", "the iteration count is not a number"),
                arguments("r=abcdef" + SALT + ",i=4k", "the iteration count is not a number"),
                arguments("r=abcdef" + SALT + ",i=", "the iteration count is not a number"),
                arguments("r=abcdef" + SALT + ",i=4096,x=1", "server-first message: unexpected text at offset 43"),
                arguments("r=abcdef" + SALT + ",i=4096,", "server-first message: it ends with a comma"),
                arguments("r=abcdef" + SALT + ",i=4096" + "0".repeat(3000), "server-first message has 3042 bytes (at most 2048)"));
    }

    static Stream<Arguments> badServerFinal() {
        return Stream.of(
                arguments("", "server-final message is empty"),
                arguments("e=invalid-proof", "the server reported an error: invalid-proof"),
                arguments("v=", "the server's signature is wrong"),
                arguments("v=" + ScramCrypto.base64(new byte[32]), "the server's signature is wrong"),
                arguments("v=%%%%", "the server's signature is wrong"),
                arguments("x=1", "server-final verifier: expected 'v=' at offset 0"),
                arguments("v=" + ScramCrypto.base64(new byte[32]) + ",x=1", "server-final message: unexpected text at offset 47"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badServerFirst")
    void aBadServerFirstMessageFails(String message, String reason) {
        ScramClient client = ScramClient.create("", "hunter2", "abc");
        client.clientFirst();
        assertThat(client.receiveServerFirst(bytes(message))).isInstanceOfSatisfying(ScramStep.Failure.class,
                f -> assertThat(f.reason()).contains(reason));
        assertThat(client.receiveServerFinal(bytes("v=AAAA")))
                .isEqualTo(new ScramStep.Failure("a server-final message arrived when DONE"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badServerFinal")
    void aBadServerFinalMessageFails(String message, String reason) {
        ScramClient client = ScramClient.create("", "hunter2", "abc");
        client.clientFirst();
        assertThat(client.receiveServerFirst(bytes("r=abcdef" + SALT + ",i=4096"))).isInstanceOf(ScramStep.Continue.class);
        assertThat(client.receiveServerFinal(bytes(message))).isInstanceOfSatisfying(ScramStep.Failure.class,
                f -> assertThat(f.reason()).contains(reason));
    }

    @Test
    void messagesOutOfOrderFail() {
        ScramClient client = ScramClient.create("", "hunter2", "abc");
        assertThat(client.receiveServerFirst(bytes("r=abcdef" + SALT + ",i=4096")))
                .isEqualTo(new ScramStep.Failure("a server-first message arrived when START"));
        ScramClient again = ScramClient.create("", "hunter2", "abc");
        again.clientFirst();
        assertThatThrownBy(again::clientFirst).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anEmptyPasswordIsRefusedUpFront() {
        assertThatThrownBy(() -> ScramClient.create("", new FixedRandom(0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("ScramClient: the password is empty");
    }

    @Test
    void theUserNameIsEscaped() {
        assertThat(ScramClient.create("a=b,c", "hunter2", "abc").clientFirst()).isEqualTo("n,,n=a=3Db=2Cc,r=abc");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
