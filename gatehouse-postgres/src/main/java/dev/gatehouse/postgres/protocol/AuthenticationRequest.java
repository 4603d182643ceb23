package dev.gatehouse.postgres.protocol;

import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An Authentication message from a server: its request code and the bytes after it. The known
 * codes' data is checked when read ({@link PgReaders#readAuthentication}); other codes (GSSAPI,
 * SSPI) are passed on as they are, for the caller to refuse.
 *
 * @param code the request code, e.g. {@link #SASL}
 * @param data the bytes after the code (a copy)
 */
public record AuthenticationRequest(int code, byte[] data) {

    /** AuthenticationOk: the server accepted the client. */
    public static final int OK = 0;
    /** AuthenticationCleartextPassword. */
    public static final int CLEARTEXT_PASSWORD = 3;
    /** AuthenticationMD5Password, with a 4-byte salt. */
    public static final int MD5_PASSWORD = 5;
    /** AuthenticationSASL, with the mechanisms the server offers. */
    public static final int SASL = 10;
    /** AuthenticationSASLContinue, with a SASL challenge. */
    public static final int SASL_CONTINUE = 11;
    /** AuthenticationSASLFinal, with the SASL outcome data. */
    public static final int SASL_FINAL = 12;

    /** Copies the data. */
    public AuthenticationRequest {
        data = data.clone();
    }

    /** A copy of the data after the code. */
    @Override
    public byte[] data() {
        return data.clone();
    }

    /** The MD5 salt (4 bytes); for {@link #MD5_PASSWORD} only. */
    public byte[] md5Salt() {
        expect(MD5_PASSWORD);
        return data.clone();
    }

    /** The SASL mechanisms offered, in the server's order; for {@link #SASL} only. */
    public List<String> saslMechanisms() {
        expect(SASL);
        return mechanisms(data);
    }

    /** Parses and checks a SASL mechanism list: NUL-terminated names ending in an empty one, at least one name. */
    static List<String> mechanisms(byte[] data) {
        PayloadCursor in = new PayloadCursor(Unpooled.wrappedBuffer(data), "AuthenticationSASL");
        List<String> names = new ArrayList<>();
        while (true) {
            String name = in.cString("a mechanism name");
            if (name.isEmpty()) {
                break;
            }
            names.add(name);
        }
        in.end();
        if (names.isEmpty()) {
            throw in.malformed("no mechanism offered");
        }
        return List.copyOf(names);
    }

    private void expect(int wanted) {
        if (code != wanted) {
            throw new IllegalStateException("authentication request code " + code + " (expected: " + wanted + ")");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuthenticationRequest a && a.code == code && Arrays.equals(a.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * code + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "AuthenticationRequest[code=" + code + ", data=" + data.length + " bytes]";
    }
}
