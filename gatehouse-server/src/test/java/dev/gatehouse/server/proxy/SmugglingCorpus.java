package dev.gatehouse.server.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code smuggling/corpus.txt} (its header comment describes the format). Bytes are kept as
 * strings of one char per byte (ISO-8859-1), as {@code RawHttpClient} sends them.
 */
public final class SmugglingCorpus {

    /** What the node must do with a case. */
    public enum Kind { FORWARD, FORWARD_CLOSE, ANSWER, REJECT, REJECT_BODY, REJECT_AFTER }

    /**
     * One case.
     *
     * @param category  the section it is in
     * @param name      what it is, with its source
     * @param request   the bytes the client sends
     * @param kind      what must happen
     * @param status    the status of the refusal or answer; 200 for forwards
     * @param forwarded what the backend must receive (FORWARD, FORWARD_CLOSE, REJECT_AFTER), else ""
     * @param responses how many 200s come first (FORWARD, REJECT_AFTER)
     */
    public record Case(String category, String name, String request, Kind kind, int status, String forwarded, int responses) {

        public boolean head() {
            return request.startsWith("HEAD ");
        }

        @Override
        public String toString() {
            return category + ": " + name;
        }
    }

    private SmugglingCorpus() {
    }

    public static List<Case> load() {
        try (InputStream in = SmugglingCorpus.class.getResourceAsStream("/smuggling/corpus.txt")) {
            if (in == null) {
                throw new IllegalStateException("smuggling/corpus.txt is not on the test class path");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Case> parse(String text) {
        List<Case> cases = new ArrayList<>();
        Builder b = null;
        String category = "";
        int lineNo = 0;
        for (String line : text.split("\n", -1)) {
            lineNo++;
            if (line.startsWith("## ")) {
                category = line.substring(3).trim();
                continue;
            }
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.indexOf(' ');
            String word = space < 0 ? line : line.substring(0, space);
            String rest = space < 0 ? "" : line.substring(space + 1);
            String where = "corpus.txt:" + lineNo;
            if (word.equals("case")) {
                if (b != null) {
                    cases.add(b.build());
                }
                b = new Builder(category, rest, where);
                continue;
            }
            if (b == null) {
                throw new IllegalArgumentException(where + ": " + word + " before any case");
            }
            switch (word) {
                case "send" -> b.request.append(unescape(rest, where));
                case "forward", "forward-close", "reject-after" -> {
                    b.kind(word.equals("forward") ? Kind.FORWARD : word.equals("forward-close") ? Kind.FORWARD_CLOSE
                            : Kind.REJECT_AFTER, where);
                    b.forwarded.append(unescape(rest, where));
                    if (word.equals("reject-after")) {
                        b.status = 400;
                    }
                }
                case "reject", "reject-body" -> {
                    b.kind(word.equals("reject") ? Kind.REJECT : Kind.REJECT_BODY, where);
                    b.status = rest.isBlank() ? 400 : Integer.parseInt(rest.trim());
                }
                case "answer" -> {
                    b.kind(Kind.ANSWER, where);
                    b.status = Integer.parseInt(rest.trim());
                }
                case "responses" -> b.responses = Integer.parseInt(rest.trim());
                default -> throw new IllegalArgumentException(where + ": unknown directive " + word);
            }
        }
        if (b != null) {
            cases.add(b.build());
        }
        return cases;
    }

    /** Reads the escapes {@code \r \n \t \0 \s \\ \xHH}; everything else stands for itself. */
    static String unescape(String s, String where) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                if (c > 0x7e) {
                    throw new IllegalArgumentException(where + ": write byte 0x" + Integer.toHexString(c) + " as an escape");
                }
                out.append(c);
                continue;
            }
            if (++i == s.length()) {
                throw new IllegalArgumentException(where + ": lone backslash at the end");
            }
            switch (s.charAt(i)) {
                case 'r' -> out.append('\r');
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case '0' -> out.append('\0');
                case 's' -> out.append(' ');
                case '\\' -> out.append('\\');
                case 'x' -> {
                    out.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                default -> throw new IllegalArgumentException(where + ": unknown escape \\" + s.charAt(i));
            }
        }
        return out.toString();
    }

    /** Shows bytes the way the corpus writes them, for readable failures. */
    static String escape(String bytes) {
        StringBuilder out = new StringBuilder(bytes.length() + 16);
        for (int i = 0; i < bytes.length(); i++) {
            char c = bytes.charAt(i);
            switch (c) {
                case '\r' -> out.append("\\r");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    private static final class Builder {
        final String category;
        final String name;
        final String where;
        final StringBuilder request = new StringBuilder();
        final StringBuilder forwarded = new StringBuilder();
        Kind kind;
        int status = 200;
        int responses = 1;

        Builder(String category, String name, String where) {
            this.category = category;
            this.name = name;
            this.where = where;
        }

        void kind(Kind k, String at) {
            if (kind != null && kind != k) {
                throw new IllegalArgumentException(at + ": case \"" + name + "\" has two expectations");
            }
            kind = k;
        }

        Case build() {
            if (kind == null || request.isEmpty()) {
                throw new IllegalArgumentException(where + ": case \"" + name + "\" needs send and an expectation");
            }
            return new Case(category, name, request.toString(), kind, status, forwarded.toString(), responses);
        }
    }
}
