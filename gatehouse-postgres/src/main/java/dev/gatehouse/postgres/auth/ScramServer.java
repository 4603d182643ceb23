package dev.gatehouse.postgres.auth;

import dev.gatehouse.postgres.auth.ScramMessage.Malformed;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The server side of one SCRAM-SHA-256 exchange (RFC 5802, RFC 7677) with one client, as
 * PostgreSQL runs it: no channel binding (the front door offers only {@code SCRAM-SHA-256}, not
 * {@code -PLUS}), the user name in the client-first message ignored (the user is the startup
 * message's), no authorization identity, no mandatory extensions.
 *
 * <p>Use: {@link #receiveClientFirst} with the data of the client's SASLInitialResponse, which
 * gives a {@link ScramStep.Continue} whose message goes out in AuthenticationSASLContinue; then
 * {@link #receiveClientFinal} with the data of its SASLResponse, which gives a
 * {@link ScramStep.Complete} whose message goes out in AuthenticationSASLFinal, followed by
 * AuthenticationOk. Anything else is a {@link ScramStep.Failure}, which ends the exchange; the
 * caller answers it with {@code password authentication failed for user "X"} (28P01) and logs the
 * reason. No input makes these methods throw, and each message is bounded
 * ({@value ScramMessage#MAX_BYTES} bytes).
 *
 * <p>Not thread-safe: one exchange, one connection, one thread at a time. The work is two HMACs and
 * a hash; the iterations were spent when the secret was made.
 */
public final class ScramServer {

    /** Random bytes in the server's nonce (base64 in the message), as PostgreSQL uses. */
    public static final int NONCE_BYTES = 18;

    private static final String NO_BINDING = "biws"; // base64 of "n,,"
    private static final String BINDING_UNUSED = "eSws"; // base64 of "y,,"

    private enum State { AWAITING_CLIENT_FIRST, AWAITING_CLIENT_FINAL, DONE }

    private final ScramSecret secret;
    private final String serverNonce;
    /** Why any client-final must fail although well-formed, or null for a real secret. */
    private final String mockReason;
    private State state = State.AWAITING_CLIENT_FIRST;
    private String expectedBinding;
    private String clientFirstBare;
    private String serverFirst;
    private String nonce;
    /** The client's ClientKey, recovered from its proof once it matched; null before (and for a mock). */
    private byte[] clientKey;

    private ScramServer(ScramSecret secret, String serverNonce, String mockReason) {
        this.secret = secret;
        this.serverNonce = serverNonce;
        this.mockReason = mockReason;
    }

    /** An exchange that checks the client against {@code secret}; its nonce comes from {@code random}. */
    public static ScramServer create(ScramSecret secret, SecureRandom random) {
        return new ScramServer(secret, randomNonce(random), null);
    }

    /**
     * An exchange for a user who does not exist or has no SCRAM secret, which fails at the end like
     * a wrong password does: the client sees the same messages either way, so it cannot probe for
     * user names (PostgreSQL's "mock authentication"). The salt is derived from {@code mockKey}
     * (a secret of this node) and the user name, so that it is the same at every attempt for the
     * same name, as a real user's is.
     */
    public static ScramServer mock(String user, byte[] mockKey, SecureRandom random) {
        byte[] salt = Arrays.copyOf(ScramCrypto.hmac(mockKey, user.getBytes(StandardCharsets.UTF_8)), ScramSecret.SALT_LENGTH);
        byte[] keys = new byte[ScramCrypto.KEY_LENGTH];
        random.nextBytes(keys); // never used to check a proof: the mock fails before
        ScramSecret fake = ScramSecret.of(ScramSecret.DEFAULT_ITERATIONS, salt, keys, keys);
        return new ScramServer(fake, randomNonce(random), "user \"" + user + "\" has no SCRAM secret");
    }

    /** An exchange with a given server nonce (printable, no comma): for test vectors. */
    static ScramServer withNonce(ScramSecret secret, String serverNonce) {
        return new ScramServer(secret, serverNonce, null);
    }

    /** Reads the client-first message; answers with the server-first message or a failure. */
    public ScramStep receiveClientFirst(byte[] message) {
        if (state != State.AWAITING_CLIENT_FIRST) {
            return fail("a client-first message arrived when " + state);
        }
        try {
            nonce = parseClientFirst(ScramMessage.of(message, "client-first message")) + serverNonce;
        } catch (Malformed e) {
            return fail(e.getMessage());
        }
        serverFirst = "r=" + nonce + ",s=" + ScramCrypto.base64(secret.salt()) + ",i=" + secret.iterations();
        state = State.AWAITING_CLIENT_FINAL;
        return new ScramStep.Continue(serverFirst);
    }

    /** Reads the client-final message; answers with the server-final message or a failure. */
    public ScramStep receiveClientFinal(byte[] message) {
        if (state != State.AWAITING_CLIENT_FINAL) {
            return fail("a client-final message arrived when " + state);
        }
        state = State.DONE;
        byte[] proof;
        String withoutProof;
        try {
            ScramMessage m = ScramMessage.of(message, "client-final message");
            String binding = m.attribute('c', "client-final channel binding");
            if (!binding.equals(expectedBinding)) {
                return fail("client-final: the channel binding is not \"" + expectedBinding + "\", the gs2 header the client sent first");
            }
            if (!m.attribute('r', "client-final nonce").equals(nonce)) {
                return fail("client-final: the nonce is not the client's and server's nonces together");
            }
            while (!m.nextIs('p')) {
                m.anyAttribute("client-final extension"); // extensions are optional; we know none
            }
            int proofStart = m.position();
            String proofText = m.attribute('p', "client-final proof");
            m.requireEnd("client-final message");
            proof = ScramCrypto.decodeBase64(proofText);
            if (proof == null || proof.length != ScramCrypto.KEY_LENGTH) {
                return fail("client-final: the proof is not base64 of " + ScramCrypto.KEY_LENGTH + " bytes");
            }
            withoutProof = m.text().substring(0, proofStart - 1);
        } catch (Malformed e) {
            return fail(e.getMessage());
        }
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.UTF_8);
        byte[] storedKey = secret.storedKey();
        byte[] clientKey = ScramCrypto.xor(proof, ScramCrypto.hmac(storedKey, authMessage));
        boolean matches = MessageDigest.isEqual(ScramCrypto.sha256(clientKey), storedKey);
        if (mockReason != null) {
            return fail(mockReason); // only after the same work as a real check: no timing tells them apart
        }
        if (!matches) {
            return fail("the client's proof does not match the stored secret (wrong password)");
        }
        this.clientKey = clientKey;
        byte[] serverSignature = ScramCrypto.hmac(secret.serverKey(), authMessage);
        return new ScramStep.Complete("v=" + ScramCrypto.base64(serverSignature));
    }

    /**
     * After a {@link ScramStep.Complete}: the keys that log in as this user to a server holding the
     * same secret. The ClientKey is recovered from the client's proof (RFC 5802: ClientProof is
     * ClientKey XOR HMAC(StoredKey, AuthMessage), so ClientKey is ClientProof XOR the same HMAC,
     * and its hash was just checked against the StoredKey); the ServerKey is the secret's.
     *
     * @throws IllegalStateException before the exchange completed
     */
    public ScramKeys passThroughKeys() {
        if (clientKey == null) {
            throw new IllegalStateException("ScramServer: no ClientKey before the client's proof matched");
        }
        return new ScramKeys(secret.iterations(), secret.salt(), clientKey, secret.serverKey());
    }

    /** Reads the message, keeping its gs2 header's binding and its bare part; returns the client's nonce. */
    private String parseClientFirst(ScramMessage m) throws Malformed {
        String text = m.text();
        char flag = text.charAt(0);
        switch (flag) {
            case 'n' -> expectedBinding = NO_BINDING;
            // The client could bind but believes we cannot: true, we offer no -PLUS mechanism.
            case 'y' -> expectedBinding = BINDING_UNUSED;
            case 'p' -> throw new Malformed("client-first: the client asked for channel binding (p=), but this server"
                    + " offers only SCRAM-SHA-256, not SCRAM-SHA-256-PLUS");
            default -> throw new Malformed("client-first: the gs2 header does not start with n, y or p");
        }
        m.expect(flag, "client-first gs2 header");
        m.expect(',', "client-first gs2 header");
        if (m.nextIs('a')) {
            throw new Malformed("client-first: an authorization identity (a=) is not supported");
        }
        m.expect(',', "client-first gs2 header");
        if (m.nextIs('m')) {
            throw new Malformed("client-first: the client requires an extension (m=) we do not support");
        }
        int bareStart = m.position();
        m.attribute('n', "client-first user name"); // ignored: PostgreSQL uses the startup message's user
        String clientNonce = m.attribute('r', "client-first nonce");
        if (!ScramMessage.isValidNonce(clientNonce)) {
            throw new Malformed("client-first: the nonce is empty or has a character outside 0x21..0x7E or a comma");
        }
        while (!m.atEnd()) {
            m.anyAttribute("client-first extension");
        }
        m.requireEnd("client-first message");
        clientFirstBare = text.substring(bareStart);
        return clientNonce;
    }

    private ScramStep fail(String reason) {
        state = State.DONE;
        return new ScramStep.Failure(reason);
    }

    private static String randomNonce(SecureRandom random) {
        byte[] bytes = new byte[NONCE_BYTES];
        random.nextBytes(bytes);
        return ScramCrypto.base64(bytes);
    }
}
