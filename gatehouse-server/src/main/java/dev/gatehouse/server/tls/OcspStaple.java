package dev.gatehouse.server.tls;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the node checks in an OCSP response before stapling it (RFC 6960 §4.2.1): that it is a
 * successful basic response, and what its single responses say: the serial number each is about,
 * its status and its {@code nextUpdate}. The signature is not checked (the client does that, and
 * the node has no better trust in the responder than the client); this only keeps an operator from
 * stapling a response for another certificate, a revoked status or a stale one.
 *
 * <p>A small strict DER reader: definite lengths only, every length bounded by its enclosing value.
 */
final class OcspStaple {

    /** id-pkix-ocsp-basic, 1.3.6.1.5.5.7.48.1.1, as its DER contents. */
    private static final byte[] BASIC = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01};
    private static final DateTimeFormatter GENERALIZED = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

    /** A certificate's status as the responder gave it. */
    enum Status { GOOD, REVOKED, UNKNOWN }

    /**
     * One {@code SingleResponse}.
     *
     * @param serial     the serial number of the certificate it is about
     * @param status     its status
     * @param nextUpdate when newer information will be available (the response is stale after), or null
     */
    record Single(BigInteger serial, Status status, Instant nextUpdate) {
    }

    private OcspStaple() {
    }

    /**
     * Reads the single responses of a DER {@code OCSPResponse}.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    static List<Single> parse(byte[] der) {
        Der response = new Der(der, 0, der.length).single(0x30, "OCSPResponse");
        Der.Reader r = response.reader();
        Der status = r.next(0x0a, "responseStatus");
        if (status.length() != 1 || status.bytes[status.start] != 0) {
            throw new IllegalArgumentException("the responder did not answer successfully (responseStatus "
                    + (status.length() == 1 ? status.bytes[status.start] : "?") + ", expected 0)");
        }
        Der.Reader bytes = r.next(0xa0, "responseBytes").single(0x30, "ResponseBytes").reader();
        Der type = bytes.next(0x06, "responseType");
        if (!Arrays.equals(Arrays.copyOfRange(type.bytes, type.start, type.end), BASIC)) {
            throw new IllegalArgumentException("not a basic OCSP response (id-pkix-ocsp-basic)");
        }
        Der basicOctets = bytes.next(0x04, "response");
        Der basic = new Der(basicOctets.bytes, basicOctets.start, basicOctets.end).single(0x30, "BasicOCSPResponse");
        Der.Reader data = basic.reader().next(0x30, "tbsResponseData").reader();
        Der field = data.next(-1, "ResponseData");
        if (field.tag == 0xa0) {
            field = data.next(-1, "responderID"); // the explicit version came first
        }
        if (field.tag != 0xa1 && field.tag != 0xa2) {
            throw new IllegalArgumentException("responderID: tag " + field.tag + " (expected [1] or [2])");
        }
        data.next(0x18, "producedAt");
        Der.Reader responses = data.next(0x30, "responses").reader();
        List<Single> out = new ArrayList<>();
        while (responses.more()) {
            out.add(single(responses.next(0x30, "SingleResponse").reader()));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("it holds no response for any certificate");
        }
        return out;
    }

    private static Single single(Der.Reader r) {
        Der.Reader certId = r.next(0x30, "certID").reader();
        certId.next(0x30, "hashAlgorithm");
        certId.next(0x04, "issuerNameHash");
        certId.next(0x04, "issuerKeyHash");
        Der serial = certId.next(0x02, "serialNumber");
        Der certStatus = r.next(-1, "certStatus");
        Status status = switch (certStatus.tag) {
            case 0x80 -> Status.GOOD;
            case 0xa1 -> Status.REVOKED;
            case 0x82 -> Status.UNKNOWN;
            default -> throw new IllegalArgumentException("certStatus: tag " + certStatus.tag + " (expected [0], [1] or [2])");
        };
        r.next(0x18, "thisUpdate");
        Instant nextUpdate = null;
        if (r.more()) {
            Der next = r.next(-1, "nextUpdate");
            if (next.tag == 0xa0) {
                nextUpdate = time(next.single(0x18, "nextUpdate"));
            }
        }
        return new Single(new BigInteger(Arrays.copyOfRange(serial.bytes, serial.start, serial.end)), status, nextUpdate);
    }

    /** A GeneralizedTime: {@code YYYYMMDDHHMMSS}, optional fraction, {@code Z} (RFC 5280 §4.1.2.5.2). */
    private static Instant time(Der t) {
        String s = new String(t.bytes, t.start, t.length(), StandardCharsets.US_ASCII);
        if (s.length() < 15 || !s.endsWith("Z")) {
            throw new IllegalArgumentException("nextUpdate: \"" + s + "\" (expected a GeneralizedTime in UTC)");
        }
        try {
            return LocalDateTime.parse(s.substring(0, 14), GENERALIZED).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("nextUpdate: \"" + s + "\" (expected a GeneralizedTime in UTC)");
        }
    }

    /** One DER value: its tag and where its contents lie in {@code bytes}. */
    private record Der(byte[] bytes, int tag, int start, int end) {

        /** The whole of {@code bytes[from, to)}, to be read as one value. */
        Der(byte[] bytes, int from, int to) {
            this(bytes, -1, from, to);
        }

        int length() {
            return end - start;
        }

        Reader reader() {
            return new Reader(bytes, start, end);
        }

        /** The one value these contents hold, with this tag. */
        Der single(int expected, String what) {
            Reader r = reader();
            Der d = r.next(expected, what);
            if (r.more()) {
                throw new IllegalArgumentException(what + ": bytes after its end");
            }
            return d;
        }

        /** The values of a constructed value's contents, one after another. */
        static final class Reader {
            private final byte[] bytes;
            private final int end;
            private int at;

            Reader(byte[] bytes, int start, int end) {
                this.bytes = bytes;
                this.at = start;
                this.end = end;
            }

            boolean more() {
                return at < end;
            }

            /** The next value; its tag must be {@code expected} unless that is -1. */
            Der next(int expected, String what) {
                if (at + 2 > end) {
                    throw new IllegalArgumentException(what + ": missing (the response ends early)");
                }
                int tag = bytes[at++] & 0xff;
                if (expected >= 0 && tag != expected) {
                    throw new IllegalArgumentException(what + ": tag 0x" + Integer.toHexString(tag)
                            + " (expected 0x" + Integer.toHexString(expected) + ")");
                }
                int length = bytes[at++] & 0xff;
                if (length >= 0x80) {
                    int n = length & 0x7f;
                    if (n == 0 || n > 3 || at + n > end) {
                        throw new IllegalArgumentException(what + ": a length DER does not allow");
                    }
                    length = 0;
                    for (int i = 0; i < n; i++) {
                        length = (length << 8) | (bytes[at++] & 0xff);
                    }
                }
                if (length > end - at) {
                    throw new IllegalArgumentException(what + ": longer than what holds it");
                }
                Der d = new Der(bytes, tag, at, at + length);
                at += length;
                return d;
            }
        }
    }
}
