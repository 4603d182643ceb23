package dev.gatehouse.server.proxy;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A request head as it leaves the node for a backend, read byte by byte without Netty, so that
 * what a backend of any make would see is checked independently of the decoder that produced it.
 *
 * <p>{@link #check} throws an {@link AssertionError} naming the first rule the bytes break: the
 * request line is {@code method SP target SP HTTP/1.1} with a token method and a target of visible
 * ASCII or valid UTF-8; every line ends in CRLF and holds no other CR or LF; header names are tokens
 * and values hold no control byte but HTAB; no name reads as a framing or hop-by-hop header unless
 * it is one (a look-alike such as {@code Content_Length} or {@code Transfer--Encoding}); one Host;
 * and one framing: Content-Length (once, digits) or Transfer-Encoding: chunked (once, alone), never both.
 *
 * @param method  the method
 * @param target  the target, as its bytes read in ISO-8859-1
 * @param headers the header fields in order, names as sent
 */
record ForwardedHead(String method, String target, List<Field> headers) {

    /** One header field as it was sent. */
    record Field(String name, String value) {
    }

    /** What a body reader would make of the head. */
    enum Framing { NONE, LENGTH, CHUNKED }

    private static final String[] SENSITIVE = {"content-length", "transfer-encoding", "host", "connection",
        "keep-alive", "te", "trailer", "upgrade", "proxy-connection", "expect"};
    private static final String TCHAR_SYMBOLS = "!#$%&'*+-.^_`|~";

    /**
     * Parses and checks a forwarded head (everything up to and including the blank line).
     *
     * @param upgrade whether the node meant to forward an upgrade (then Connection and Upgrade may stay)
     */
    static ForwardedHead check(byte[] head, boolean upgrade) {
        String text = new String(head, StandardCharsets.ISO_8859_1);
        require(text.endsWith("\r\n\r\n"), "head does not end in CRLF CRLF");
        require(text.indexOf("\r\n\r\n") == text.length() - 4, "a blank line inside the head");
        String[] lines = text.substring(0, text.length() - 4).split("\r\n", -1);
        for (String line : lines) {
            require(line.indexOf('\r') < 0 && line.indexOf('\n') < 0, "bare CR or LF in line " + show(line));
            require(line.indexOf('\0') < 0, "NUL in line " + show(line));
        }
        String[] parts = lines[0].split(" ", -1);
        require(parts.length == 3, "request line is not three parts with single spaces: " + show(lines[0]));
        require(isToken(parts[0]), "method is not a token: " + show(parts[0]));
        require(parts[2].equals("HTTP/1.1"), "version is not HTTP/1.1: " + show(parts[2]));
        checkTarget(parts[1]);
        List<Field> fields = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            require(colon > 0, "header line without a name: " + show(line));
            String name = line.substring(0, colon);
            require(isToken(name), "header name is not a token: " + show(name));
            String value = line.substring(colon + 1);
            for (int k = 0; k < value.length(); k++) {
                char c = value.charAt(k);
                require(c == '\t' || (c >= 0x20 && c != 0x7F), "control byte 0x" + Integer.toHexString(c)
                        + " in the value of " + name);
            }
            fields.add(new Field(name, value.strip()));
        }
        ForwardedHead forwarded = new ForwardedHead(parts[0], parts[1], List.copyOf(fields));
        forwarded.checkNames(upgrade);
        forwarded.framing();
        return forwarded;
    }

    /** The framing a backend reads from this head; fails when there is more than one. */
    Framing framing() {
        List<String> lengths = values("content-length");
        List<String> codings = values("transfer-encoding");
        require(lengths.size() <= 1, "Content-Length " + lengths.size() + " times");
        require(codings.size() <= 1, "Transfer-Encoding " + codings.size() + " times");
        require(lengths.isEmpty() || codings.isEmpty(), "both Content-Length and Transfer-Encoding");
        if (!codings.isEmpty()) {
            require(codings.get(0).equalsIgnoreCase("chunked"), "Transfer-Encoding other than chunked: "
                    + show(codings.get(0)));
            return Framing.CHUNKED;
        }
        if (!lengths.isEmpty()) {
            require(!lengths.get(0).isEmpty() && lengths.get(0).chars().allMatch(c -> c >= '0' && c <= '9'),
                    "Content-Length is not digits: " + show(lengths.get(0)));
            return Framing.LENGTH;
        }
        return Framing.NONE;
    }

    /** Every value of a header, by name in any case. */
    List<String> values(String name) {
        return headers.stream().filter(f -> f.name().equalsIgnoreCase(name)).map(Field::value).toList();
    }

    private void checkNames(boolean upgrade) {
        require(values("host").size() == 1, "Host " + values("host").size() + " times");
        for (Field f : headers) {
            String name = f.name().toLowerCase(Locale.ROOT);
            String squeezed = name.replace("-", "").replace("_", "");
            for (String sensitive : SENSITIVE) {
                if (squeezed.equals(sensitive.replace("-", ""))) {
                    require(name.equals(sensitive), "look-alike of " + sensitive + ": " + show(f.name()));
                }
            }
            boolean hopByHop = name.equals("connection") || name.equals("keep-alive") || name.equals("te")
                    || name.equals("trailer") || name.equals("upgrade") || name.startsWith("proxy-");
            boolean upgradeKept = upgrade && (name.equals("connection") || name.equals("upgrade"));
            require(!hopByHop || upgradeKept, "hop-by-hop header forwarded: " + show(f.name()));
        }
    }

    private static void checkTarget(String target) {
        require(target.startsWith("/") || target.equals("*"), "target is not origin-form or *: " + show(target));
        boolean raw = false;
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            require(c > 0x20 && c != 0x7F, "control byte or space in the target: " + show(target));
            raw |= c >= 0x80;
        }
        if (raw) {
            try {
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(target.getBytes(StandardCharsets.ISO_8859_1)));
            } catch (CharacterCodingException e) {
                throw new AssertionError("target is not valid UTF-8: " + show(target));
            }
        }
    }

    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || TCHAR_SYMBOLS.indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static void require(boolean rule, String broken) {
        if (!rule) {
            throw new AssertionError("forwarded head: " + broken);
        }
    }

    /** Text with its unprintable bytes escaped, for messages. */
    static String show(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c < 0x20 || c >= 0x7F) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
