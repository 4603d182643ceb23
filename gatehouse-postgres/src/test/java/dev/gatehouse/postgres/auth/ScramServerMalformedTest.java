package dev.gatehouse.postgres.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every way a client's message can be wrong ends the exchange with a failure and a reason, never an exception. */
class ScramServerMalformedTest {

    private static final ScramSecret SECRET = ScramSecret.fromPassword("hunter2", new FixedRandom(0));
    private static final String SERVER_NONCE = "SERVERNONCE";
    private static final String CLIENT_FIRST = "n,,n=,r=abc";
    private static final String NONCE = "abc" + SERVER_NONCE;

    static Stream<Arguments> badClientFirst() {
        return Stream.of(
                arguments("", "client-first message is empty"),
                arguments("x,,n=,r=abc", "the gs2 header does not start with n, y or p"),
                arguments("p=tls-server-end-point,,n=,r=abc", "the client asked for channel binding (p=), but this server offers only SCRAM-SHA-256, not SCRAM-SHA-256-PLUS"),
                arguments("n=,r=abc", "client-first gs2 header: expected ',' at offset 1"),
                arguments("n,a=alice,n=,r=abc", "an authorization identity (a=) is not supported"),
                arguments("n,n=,r=abc", "client-first gs2 header: expected ',' at offset 2"),
                arguments("n,,m=ext,n=,r=abc", "the client requires an extension (m=) we do not support"),
                arguments("n,,r=abc", "client-first user name: expected 'n=' at offset 3"),
                arguments("n,,n=", "client-first nonce: expected 'r=' at offset 5"),
                arguments("n,,n=,r=", "the nonce is empty"),
                arguments("n,,n=,r=a b", "has a character outside 0x21..0x7E"),
                arguments("n,,n=,r=abc\u00E9", "has a character outside 0x21..0x7E"),
                arguments("n,,n=,r=abc,", "client-first message: it ends with a comma"),
                arguments("n,,n=,r=abc,,", "client-first extension: expected an attribute at offset 12"),
                arguments("n,,n=,r=abc,1=x", "client-first extension: expected an attribute at offset 12"),
                arguments("n,,n=,r=abc\u0000", "client-first message contains a NUL byte"),
                arguments("n,,n=" + "u".repeat(2048) + ",r=abc", "client-first message has 2059 bytes (at most 2048)"));
    }

    static Stream<Arguments> badClientFinal() {
        return Stream.of(
                arguments("", "client-final message is empty"),
                arguments("r=" + NONCE + ",p=" + proof(), "client-final channel binding: expected 'c=' at offset 0"),
                arguments("c=eSws,r=" + NONCE + ",p=" + proof(), "the channel binding is not \"biws\""),
                arguments("c=cD10bHMtc2VydmVyLWVuZC1wb2ludCws,r=" + NONCE + ",p=" + proof(), "the channel binding is not \"biws\""),
                arguments("c=biws,r=abc,p=" + proof(), "the nonce is not the client's and server's nonces together"),
                arguments("c=biws,r=" + NONCE + "x,p=" + proof(), "the nonce is not the client's"),
                arguments("c=biws,p=" + proof(), "client-final nonce: expected 'r=' at offset 7"),
                arguments("c=biws,r=" + NONCE, "client-final extension: expected an attribute at offset 23"),
                arguments("c=biws,r=" + NONCE + ",p=", "the proof is not base64 of 32 bytes"),
                arguments("c=biws,r=" + NONCE + ",p=!!!!" + proof().substring(4), "the proof is not base64 of 32 bytes"),
                arguments("c=biws,r=" + NONCE + ",p=" + proof().replace("=", ""), "the proof is not base64 of 32 bytes"),
                arguments("c=biws,r=" + NONCE + ",p=AAAA", "the proof is not base64 of 32 bytes"),
                arguments("c=biws,r=" + NONCE + ",p=" + proof() + ",x=1", "client-final message: unexpected text"),
                arguments("c=biws,r=" + NONCE + ",p=" + proof() + ",", "client-final message: it ends with a comma"),
                arguments("c=biws,r=" + NONCE + ",p=" + "A".repeat(2100), "client-final message has 2126 bytes (at most 2048)"),
                arguments("c=biws,r=" + NONCE + ",p=" + proof(), "the client's proof does not match the stored secret (wrong password)"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badClientFirst")
    void aBadClientFirstMessageFails(String message, String reason) {
        ScramServer server = ScramServer.withNonce(SECRET, SERVER_NONCE);
        assertThat(server.receiveClientFirst(bytes(message))).isInstanceOfSatisfying(ScramStep.Failure.class,
                f -> assertThat(f.reason()).contains(reason));
        assertThat(server.receiveClientFinal(bytes("c=biws,r=" + NONCE + ",p=" + proof())))
                .isEqualTo(new ScramStep.Failure("a client-final message arrived when DONE"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badClientFinal")
    void aBadClientFinalMessageFails(String message, String reason) {
        ScramServer server = ScramServer.withNonce(SECRET, SERVER_NONCE);
        assertThat(server.receiveClientFirst(bytes(CLIENT_FIRST))).isInstanceOf(ScramStep.Continue.class);
        assertThat(server.receiveClientFinal(bytes(message))).isInstanceOfSatisfying(ScramStep.Failure.class,
                f -> assertThat(f.reason()).contains(reason));
    }

    @Test
    void anExtensionBeforeTheProofIsSkipped() {
        ScramServer server = ScramServer.withNonce(SECRET, SERVER_NONCE);
        server.receiveClientFirst(bytes(CLIENT_FIRST + ",x=ext"));
        assertThat(server.receiveClientFinal(bytes("c=biws,r=" + NONCE + ",x=1,p=" + proof())))
                .isInstanceOfSatisfying(ScramStep.Failure.class, f -> assertThat(f.reason()).contains("wrong password"));
    }

    @Test
    void invalidUtf8Fails() {
        ScramServer server = ScramServer.withNonce(SECRET, SERVER_NONCE);
        byte[] message = {'n', ',', ',', 'n', '=', (byte) 0xC3, ',', 'r', '=', 'a'};
        assertThat(server.receiveClientFirst(message)).isEqualTo(new ScramStep.Failure("client-first message is not valid UTF-8"));
    }

    @Test
    void messagesOutOfOrderFail() {
        ScramServer server = ScramServer.withNonce(SECRET, SERVER_NONCE);
        assertThat(server.receiveClientFinal(bytes("c=biws,r=x,p=" + proof())))
                .isEqualTo(new ScramStep.Failure("a client-final message arrived when AWAITING_CLIENT_FIRST"));
        ScramServer again = ScramServer.withNonce(SECRET, SERVER_NONCE);
        again.receiveClientFirst(bytes(CLIENT_FIRST));
        assertThat(again.receiveClientFirst(bytes(CLIENT_FIRST)))
                .isEqualTo(new ScramStep.Failure("a client-first message arrived when AWAITING_CLIENT_FINAL"));
    }

    @Test
    void aYClientMustSendTheYChannelBinding() {
        ScramServer server = ScramServer.withNonce(SECRET, SERVER_NONCE);
        server.receiveClientFirst(bytes("y,,n=,r=abc"));
        assertThat(server.receiveClientFinal(bytes("c=biws,r=" + NONCE + ",p=" + proof())))
                .isInstanceOfSatisfying(ScramStep.Failure.class, f -> assertThat(f.reason()).contains("is not \"eSws\""));
    }

    /** 32 bytes of base64, the right shape for a proof (the wrong value). */
    private static String proof() {
        return ScramCrypto.base64(new byte[32]);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
