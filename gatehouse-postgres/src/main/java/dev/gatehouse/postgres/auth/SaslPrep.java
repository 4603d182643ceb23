package dev.gatehouse.postgres.auth;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;

/**
 * SASLprep (RFC 4013) of a password the way PostgreSQL applies it before SCRAM
 * ({@code pg_saslprep} in {@code src/common/saslprep.c}), including its fallback: a password that
 * is not valid UTF-8, or that SASLprep rejects, is used as its raw bytes. Both ends of an exchange
 * must agree byte for byte, so the quirks are PostgreSQL's and not the RFC's: a pure ASCII password
 * is used unchanged (even with control characters), and a password that maps to nothing is
 * "rejected", hence used raw.
 */
final class SaslPrep {

    private SaslPrep() {
    }

    /** The bytes SCRAM hashes for this password (UTF-8, then prepared). */
    static byte[] prepare(String password) {
        return prepare(password.getBytes(StandardCharsets.UTF_8));
    }

    /** The bytes SCRAM hashes for this password: SASLprep's UTF-8 output, or the input itself. */
    static byte[] prepare(byte[] password) {
        if (isAscii(password)) {
            return password.clone();
        }
        String text = decodeStrictly(password);
        if (text == null) {
            return password.clone();
        }
        String prepared = saslPrep(text);
        return prepared == null ? password.clone() : prepared.getBytes(StandardCharsets.UTF_8);
    }

    /** RFC 4013 on a decoded string; null where PostgreSQL's pg_saslprep returns PROHIBITED. */
    static String saslPrep(String text) {
        StringBuilder mapped = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            if (SaslPrepTables.contains(SaslPrepTables.NON_ASCII_SPACE, cp)) {
                mapped.append(' ');
            } else if (!SaslPrepTables.contains(SaslPrepTables.MAPPED_TO_NOTHING, cp)) {
                mapped.appendCodePoint(cp);
            }
        });
        if (mapped.isEmpty()) {
            return null; // PostgreSQL refuses an empty result rather than hash nothing
        }
        // The JDK's Unicode is newer than PostgreSQL's, and both newer than 3.2; that changes nothing:
        // a character outside Unicode 3.2 is rejected below, and Unicode's stability policy keeps
        // the normalization of the characters 3.2 had.
        String normalized = Normalizer.normalize(mapped, Normalizer.Form.NFKC);
        boolean randAl = false;
        boolean l = false;
        for (int i = 0; i < normalized.length(); ) {
            int cp = normalized.codePointAt(i);
            i += Character.charCount(cp);
            if (SaslPrepTables.contains(SaslPrepTables.PROHIBITED, cp)
                    || SaslPrepTables.contains(SaslPrepTables.UNASSIGNED, cp)) {
                return null;
            }
            randAl |= SaslPrepTables.contains(SaslPrepTables.RAND_AL_CAT, cp);
            l |= SaslPrepTables.contains(SaslPrepTables.L_CAT, cp);
        }
        if (randAl) {
            // RFC 3454 section 6: a right-to-left string has no left-to-right character and begins
            // and ends with a right-to-left one.
            int first = normalized.codePointAt(0);
            int last = normalized.codePointBefore(normalized.length());
            if (l || !SaslPrepTables.contains(SaslPrepTables.RAND_AL_CAT, first)
                    || !SaslPrepTables.contains(SaslPrepTables.RAND_AL_CAT, last)) {
                return null;
            }
        }
        return normalized;
    }

    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    /** The text, or null when the bytes are not well-formed UTF-8 (overlongs and surrogates included). */
    private static String decodeStrictly(byte[] bytes) {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return chars.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
