package dev.gatehouse.core.content;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A request's {@code Accept-Encoding} (RFC 9110 §12.5.3): which content codings the client takes,
 * with what preference, and the choice among the codings a server has.
 *
 * <p>Read leniently, element by element: an element with an invalid coding, an invalid q-value
 * ({@code q=1.5}, {@code q=0.1234}, {@code q=x}) or any other parameter is ignored, the others
 * count. Codings compare case-insensitively. When a coding is listed twice, the first counts.
 * At most {@link #MAX_ELEMENTS} elements are read; a header longer than {@link #MAX_LENGTH}
 * characters in all is read as an empty one (identity only). Never throws on client input.
 *
 * <p>Without the header, RFC 9110 lets a server send any coding; this class answers
 * {@code identity} instead, deliberately: clients that send no {@code Accept-Encoding} are mostly
 * simple tools that could not decode one, and identity is always allowed.
 *
 * <p>A response whose coding the choice can change must carry {@code Vary: Accept-Encoding}; that
 * is the caller's to add.
 */
public final class AcceptEncoding {

    /** The most elements read; the rest are ignored. */
    public static final int MAX_ELEMENTS = 64;

    /** The most characters read over all field lines. */
    public static final int MAX_LENGTH = 4096;

    /** The identity coding: the representation as it is. */
    public static final String IDENTITY = "identity";

    /** q=1 as thousandths, the unit q-values are held in. */
    private static final int Q_ONE = 1000;

    private static final AcceptEncoding ABSENT = new AcceptEncoding(true, Map.of());

    private final boolean absent;
    /** Coding (lower case, {@code *} included) to q in thousandths, 0-1000. */
    private final Map<String, Integer> weights;

    private AcceptEncoding(boolean absent, Map<String, Integer> weights) {
        this.absent = absent;
        this.weights = weights;
    }

    /**
     * Reads the field.
     *
     * @param headerValues every {@code Accept-Encoding} field line, in order; empty or null when the
     *                     request has none
     */
    public static AcceptEncoding parse(List<String> headerValues) {
        if (headerValues == null || headerValues.isEmpty()) {
            return ABSENT;
        }
        int length = 0;
        for (String v : headerValues) {
            length += v.length() + 1;
            if (length > MAX_LENGTH) {
                return new AcceptEncoding(false, Map.of());
            }
        }
        Map<String, Integer> weights = new HashMap<>();
        int elements = 0;
        for (String v : headerValues) {
            for (String element : v.split(",", -1)) {
                String e = HttpSyntax.trimOws(element);
                if (e.isEmpty()) {
                    continue;                              // empty list elements are allowed (§5.6.1.2)
                }
                if (++elements > MAX_ELEMENTS) {
                    return new AcceptEncoding(false, Map.copyOf(weights));
                }
                readElement(e, weights);
            }
        }
        return new AcceptEncoding(false, Map.copyOf(weights));
    }

    /** {@code coding [ OWS ";" OWS "q=" qvalue ]}: adds it unless invalid or already there. */
    private static void readElement(String e, Map<String, Integer> weights) {
        int semicolon = e.indexOf(';');
        String coding = HttpSyntax.trimOws(semicolon < 0 ? e : e.substring(0, semicolon));
        if (!HttpSyntax.isToken(coding)) {
            return;
        }
        int q = Q_ONE;
        if (semicolon >= 0) {
            String param = HttpSyntax.trimOws(e.substring(semicolon + 1));
            if (param.length() < 2 || (param.charAt(0) != 'q' && param.charAt(0) != 'Q') || param.charAt(1) != '=') {
                return;                                    // not a weight: no other parameter is defined
            }
            q = qvalue(param.substring(2));
            if (q < 0) {
                return;
            }
        }
        weights.putIfAbsent(coding.toLowerCase(Locale.ROOT), q);
    }

    /**
     * {@code qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )} (§12.4.2) in thousandths,
     * or -1.
     */
    static int qvalue(String s) {
        if (s.isEmpty() || s.length() > 5 || (s.charAt(0) != '0' && s.charAt(0) != '1')) {
            return -1;
        }
        int q = (s.charAt(0) - '0') * Q_ONE;
        if (s.length() > 1) {
            if (s.charAt(1) != '.') {
                return -1;
            }
            int scale = 100;
            for (int i = 2; i < s.length(); i++, scale /= 10) {
                char c = s.charAt(i);
                if (!HttpSyntax.isDigit(c)) {
                    return -1;
                }
                q += (c - '0') * scale;
            }
        }
        return q <= Q_ONE ? q : -1;
    }

    /**
     * Whether the client takes {@code coding}: listed with a q above 0, or covered by {@code *}
     * with a q above 0. {@code identity} is taken unless {@code identity;q=0}, or {@code *;q=0}
     * without an entry of its own. Without the header only identity is (see the class
     * documentation).
     */
    public boolean accepts(String coding) {
        if (coding == null) {
            return false;
        }
        String c = coding.toLowerCase(Locale.ROOT);
        if (c.equals(IDENTITY)) {
            Integer q = identityWeight();
            return q == null || q > 0;
        }
        return codingWeight(c) > 0;
    }

    /**
     * The coding to send, from the server's {@code available} ones in its order of preference
     * (such as {@code br, zstd, gzip}): the one with the highest q; between equal q, the earlier in
     * {@code available}. Identity competes as well: it is chosen when the client gives it a higher
     * q than every available coding (a client may prefer it explicitly), and when no available
     * coding is acceptable. Between a coding and identity of equal q, the coding wins: the
     * server's reason to offer it is that it is smaller.
     *
     * @param available the codings the server can send, without identity (which is always there)
     * @return an element of {@code available} as given, {@link #IDENTITY}, or {@code null} when
     *         nothing is acceptable, not even identity ({@code identity;q=0}, or {@code *;q=0}
     *         without an identity entry): the caller then answers 406, or sends identity anyway,
     *         as §12.5.3 allows
     */
    public String choose(List<String> available) {
        String best = null;
        int bestQ = 0;
        for (String coding : available) {
            int q = codingWeight(coding.toLowerCase(Locale.ROOT));
            if (q > bestQ) {
                best = coding;
                bestQ = q;
            }
        }
        Integer identity = identityWeight();
        if (best != null && (identity == null || bestQ >= identity)) {
            return best;
        }
        return identity == null || identity > 0 ? IDENTITY : null;
    }

    /** Whether the request had no {@code Accept-Encoding} field. */
    public boolean absent() {
        return absent;
    }

    /** The q of a lower-case coding other than identity, in thousandths; 0 when not acceptable. */
    private int codingWeight(String coding) {
        if (absent || coding.equals(IDENTITY)) {
            return 0;                                      // identity is weighed by identityWeight
        }
        Integer q = weights.get(coding);
        if (q == null) {
            q = weights.get("*");
        }
        return q == null ? 0 : q;
    }

    /**
     * identity's q in thousandths: its own entry, else {@code *}'s; null when neither is listed,
     * which means acceptable but below every listed coding (§12.5.3).
     */
    private Integer identityWeight() {
        if (absent) {
            return Q_ONE;
        }
        Integer q = weights.get(IDENTITY);
        return q != null ? q : weights.get("*");
    }

    @Override
    public String toString() {
        return absent ? "AcceptEncoding(absent)" : "AcceptEncoding" + weights;
    }
}
