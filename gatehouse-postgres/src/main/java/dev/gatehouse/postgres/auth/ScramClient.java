package dev.gatehouse.postgres.auth;

import dev.gatehouse.postgres.auth.ScramMessage.Malformed;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * The client side of one SCRAM-SHA-256 exchange (RFC 5802, RFC 7677) with a PostgreSQL server, for
 * a configured plaintext password ({@link #create}) or for the keys a client's login left
 * ({@link #withKeys}, pass-through), as libpq runs it: no channel binding (gs2 header {@code n,,}),
 * the password prepared with SASLprep or used raw when SASLprep rejects it.
 *
 * <p>Use: {@link #clientFirst()} goes in the SASLInitialResponse (mechanism {@code SCRAM-SHA-256});
 * {@link #receiveServerFirst} takes the data of AuthenticationSASLContinue and gives a
 * {@link ScramStep.Continue} whose message goes in a SASLResponse; {@link #receiveServerFinal}
 * takes the data of AuthenticationSASLFinal and gives {@link ScramStep.Complete} once the server
 * has proved it knows the secret too. Any malformed or unexpected message, or a server whose
 * signature is wrong, is a {@link ScramStep.Failure} that ends the exchange; no input makes these
 * methods throw.
 *
 * <p>{@link #receiveServerFirst} computes PBKDF2 with the server's iteration count (4096 in a
 * default PostgreSQL, some milliseconds; up to {@value ScramSecret#MAX_ITERATIONS} accepted):
 * call it off any event loop (with keys it costs two HMACs and a hash). Not thread-safe.
 */
public final class ScramClient {

    /** Random bytes in our nonce (base64 in the message), as libpq uses. */
    public static final int NONCE_BYTES = 18;

    private enum State { START, AWAITING_SERVER_FIRST, AWAITING_SERVER_FINAL, DONE }

    /** The prepared password, or null when {@link #keys} stand for it. */
    private final byte[] password;
    private final ScramKeys keys;
    private final String clientFirstBare;
    private final String clientNonce;
    private State state = State.START;
    private byte[] expectedServerSignature;

    private ScramClient(byte[] password, ScramKeys keys, String user, String clientNonce) {
        this.password = password;
        this.keys = keys;
        this.clientNonce = clientNonce;
        this.clientFirstBare = "n=" + user.replace("=", "=3D").replace(",", "=2C") + ",r=" + clientNonce;
    }

    /**
     * An exchange for {@code password}, with a nonce from {@code random}. The user name in the
     * client-first message is empty, as libpq sends it: PostgreSQL authenticates the startup
     * message's user and ignores this one.
     *
     * @throws IllegalArgumentException if the password is empty
     */
    public static ScramClient create(String password, SecureRandom random) {
        byte[] bytes = new byte[NONCE_BYTES];
        random.nextBytes(bytes);
        return create("", password, ScramCrypto.base64(bytes));
    }

    /** An exchange with a given user name and nonce (printable, no comma): for test vectors. */
    static ScramClient create(String user, String password, String nonce) {
        if (password.isEmpty()) {
            throw new IllegalArgumentException("ScramClient: the password is empty");
        }
        if (!ScramMessage.isValidNonce(nonce)) {
            throw new IllegalArgumentException("ScramClient: the nonce is not printable ASCII without commas");
        }
        return new ScramClient(SaslPrep.prepare(password), null, user, nonce);
    }

    /**
     * A pass-through exchange: it proves knowledge of the password with {@code keys} (see
     * {@link ScramKeys}) instead of deriving them from the password. It fails at the server-first
     * message when the server's salt or iteration count are not the keys' (the server's secret
     * changed since the client logged in): the keys would not match it.
     */
    public static ScramClient withKeys(ScramKeys keys, SecureRandom random) {
        byte[] bytes = new byte[NONCE_BYTES];
        random.nextBytes(bytes);
        return withKeys(keys, ScramCrypto.base64(bytes));
    }

    /** A pass-through exchange with a given nonce: for test vectors. */
    static ScramClient withKeys(ScramKeys keys, String nonce) {
        if (!ScramMessage.isValidNonce(nonce)) {
            throw new IllegalArgumentException("ScramClient: the nonce is not printable ASCII without commas");
        }
        return new ScramClient(null, keys, "", nonce);
    }

    /** The client-first message: {@code n,,n=<user>,r=<nonce>}. Call once, first. */
    public String clientFirst() {
        if (state != State.START) {
            throw new IllegalStateException("ScramClient: clientFirst() is called once, first; the exchange is " + state);
        }
        state = State.AWAITING_SERVER_FIRST;
        return "n,," + clientFirstBare;
    }

    /** Reads the server-first message; answers with the client-final message or a failure. */
    public ScramStep receiveServerFirst(byte[] message) {
        if (state != State.AWAITING_SERVER_FIRST) {
            return fail("a server-first message arrived when " + state);
        }
        state = State.DONE;
        String serverFirst;
        String nonce;
        byte[] salt;
        int iterations;
        try {
            ScramMessage m = ScramMessage.of(message, "server-first message");
            if (m.nextIs('m')) {
                return fail("server-first: the server requires an extension (m=) we do not support");
            }
            nonce = m.attribute('r', "server-first nonce");
            String saltText = m.attribute('s', "server-first salt");
            String iterationText = m.attribute('i', "server-first iteration count");
            m.requireEnd("server-first message");
            serverFirst = m.text();
            if (!nonce.startsWith(clientNonce) || nonce.length() == clientNonce.length() || !ScramMessage.isValidNonce(nonce)) {
                return fail("server-first: the nonce is not ours followed by the server's (printable, no comma)");
            }
            salt = ScramCrypto.decodeBase64(saltText);
            if (salt == null) {
                return fail("server-first: the salt is not base64");
            }
            iterations = ScramSecret.parseIterations(iterationText);
            if (iterations < 0) {
                return fail("server-first: the iteration count is not a number in "
                        + ScramSecret.MIN_ITERATIONS + ".." + ScramSecret.MAX_ITERATIONS);
            }
        } catch (Malformed e) {
            return fail(e.getMessage());
        }
        byte[] clientKey;
        byte[] serverKey;
        if (keys != null) {
            if (!keys.matches(salt, iterations)) {
                return fail("server-first: the server's salt and iteration count (" + iterations + ") are not those of the"
                        + " secret the client's keys came from (" + keys.iterations() + "): the user's secret changed on the server");
            }
            clientKey = keys.clientKey();
            serverKey = keys.serverKey();
        } else {
            byte[] saltedPassword = ScramCrypto.saltedPassword(password, salt, iterations);
            clientKey = ScramCrypto.clientKey(saltedPassword);
            serverKey = ScramCrypto.serverKey(saltedPassword);
        }
        String withoutProof = "c=biws,r=" + nonce;
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.UTF_8);
        byte[] clientSignature = ScramCrypto.hmac(ScramCrypto.sha256(clientKey), authMessage);
        expectedServerSignature = ScramCrypto.hmac(serverKey, authMessage);
        state = State.AWAITING_SERVER_FINAL;
        return new ScramStep.Continue(withoutProof + ",p=" + ScramCrypto.base64(ScramCrypto.xor(clientKey, clientSignature)));
    }

    /** Reads the server-final message; succeeds only if its signature proves the server knows our secret. */
    public ScramStep receiveServerFinal(byte[] message) {
        if (state != State.AWAITING_SERVER_FINAL) {
            return fail("a server-final message arrived when " + state);
        }
        state = State.DONE;
        try {
            ScramMessage m = ScramMessage.of(message, "server-final message");
            if (m.nextIs('e')) {
                String error = m.attribute('e', "server-final error");
                return fail("the server reported an error: " + (error.length() > 100 ? error.substring(0, 100) + "..." : error));
            }
            String verifier = m.attribute('v', "server-final verifier");
            m.requireEnd("server-final message");
            byte[] signature = ScramCrypto.decodeBase64(verifier);
            if (signature == null || !MessageDigest.isEqual(signature, expectedServerSignature)) {
                return fail("server-final: the server's signature is wrong (it does not know the user's secret)");
            }
        } catch (Malformed e) {
            return fail(e.getMessage());
        }
        return new ScramStep.Complete("");
    }

    private ScramStep fail(String reason) {
        state = State.DONE;
        return new ScramStep.Failure(reason);
    }
}
