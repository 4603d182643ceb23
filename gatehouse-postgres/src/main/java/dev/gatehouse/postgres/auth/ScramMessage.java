package dev.gatehouse.postgres.auth;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A cursor over one SCRAM message ({@code attr=value} pairs separated by commas, RFC 5802 section
 * 7), for the strict parsers of both sides. A parse error is a {@link Malformed} with the reason,
 * which the parsers turn into a {@link ScramStep.Failure}; it never leaves this package. Reasons
 * give offsets, never the message's text: a proof and its nonces are material for an offline guess.
 */
final class ScramMessage {

    /** The longest message either side accepts; real ones are under 200 bytes. */
    static final int MAX_BYTES = 2048;

    private final String text;
    private int position;

    private ScramMessage(String text) {
        this.text = text;
    }

    /** The message in {@code bytes}: bounded, well-formed UTF-8, without NUL (PostgreSQL reads C strings). */
    static ScramMessage of(byte[] bytes, String what) throws Malformed {
        if (bytes.length > MAX_BYTES) {
            throw new Malformed(what + " has " + bytes.length + " bytes (at most " + MAX_BYTES + ")");
        }
        if (bytes.length == 0) {
            throw new Malformed(what + " is empty");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new Malformed(what + " is not valid UTF-8");
        }
        if (text.indexOf('\0') >= 0) {
            throw new Malformed(what + " contains a NUL byte");
        }
        return new ScramMessage(text);
    }

    String text() {
        return text;
    }

    int position() {
        return position;
    }

    boolean atEnd() {
        return position == text.length();
    }

    /** Whether the next attribute is {@code name} (without consuming anything). */
    boolean nextIs(char name) {
        return position + 1 < text.length() && text.charAt(position) == name && text.charAt(position + 1) == '=';
    }

    /** Consumes {@code name=value} and the comma after it, if any; returns the value. */
    String attribute(char name, String what) throws Malformed {
        if (!nextIs(name)) {
            throw new Malformed(what + ": expected '" + name + "=' at offset " + position);
        }
        int start = position + 2;
        int comma = text.indexOf(',', start);
        int end = comma < 0 ? text.length() : comma;
        position = comma < 0 ? text.length() : comma + 1;
        return text.substring(start, end);
    }

    /** Consumes an attribute of any single-letter name (an extension), returning its name. */
    char anyAttribute(String what) throws Malformed {
        if (position + 1 >= text.length() || !isLetter(text.charAt(position)) || text.charAt(position + 1) != '=') {
            throw new Malformed(what + ": expected an attribute at offset " + position);
        }
        char name = text.charAt(position);
        attribute(name, what);
        return name;
    }

    /** Consumes one character, which must be {@code c}. */
    void expect(char c, String what) throws Malformed {
        if (position >= text.length() || text.charAt(position) != c) {
            throw new Malformed(what + ": expected '" + c + "' at offset " + position);
        }
        position++;
    }

    /** Fails unless the message ends here, and not with a comma (an empty attribute after it). */
    void requireEnd(String what) throws Malformed {
        if (position != text.length()) {
            throw new Malformed(what + ": unexpected text at offset " + position);
        }
        if (text.charAt(text.length() - 1) == ',') {
            throw new Malformed(what + ": it ends with a comma");
        }
    }

    /** A nonce of RFC 5802: printable ASCII (0x21..0x7E) except ','. */
    static boolean isValidNonce(String nonce) {
        if (nonce.isEmpty()) {
            return false;
        }
        for (int i = 0; i < nonce.length(); i++) {
            char c = nonce.charAt(i);
            if (c < 0x21 || c > 0x7E || c == ',') {
                return false;
            }
        }
        return true;
    }

    private static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** A message that breaks RFC 5802's grammar or PostgreSQL's use of it. */
    static final class Malformed extends Exception {
        Malformed(String reason) {
            super(reason, null, false, false);
        }
    }
}
