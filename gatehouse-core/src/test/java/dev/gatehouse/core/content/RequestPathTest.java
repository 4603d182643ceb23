package dev.gatehouse.core.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.content.RequestPath.Refused;
import dev.gatehouse.core.content.RequestPath.Segments;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

final class RequestPathTest {

    /**
     * The outcome in one string: the status of a refusal, or the segments joined by {@code |} with
     * a trailing {@code |/} for a directory ({@code |} because a decoded name may hold a {@code /}).
     */
    private static String outcome(String rawPath, String prefix, boolean allowDotfiles) {
        return switch (RequestPath.resolve(rawPath, prefix, allowDotfiles)) {
            case Segments s -> "[" + String.join("|", s.segments()) + "]" + (s.directory() ? "/" : "");
            case Refused r -> String.valueOf(r.status());
        };
    }

    private static String outcome(String rawPath) {
        return outcome(rawPath, "/static", false);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = ' ', value = {
            "/static/index.html [index.html]",
            "/static/a/b/c.css [a|b|c.css]",
            "/static []",
            "/static/ []/",
            "/static/a/ [a]/",
            "/static/a/b/ [a|b]/",
            // '.' segments and empty segments disappear
            "/static/./a [a]",
            "/static/a/. [a]/",
            "/static/a/./ [a]/",
            "/static//a///b [a|b]",
            "/static/a// [a]/",
            "/static/%2e/a [a]",
            "/static/a/%2E [a]/",
            // percent-decoding, once, as UTF-8
            "/static/hello%20world.txt '[hello world.txt]'",
            "/static/caf%C3%A9.txt [caf\u00e9.txt]",
            "/static/caf%c3%a9.txt [caf\u00e9.txt]",
            "/static/%F0%9F%98%80 [\uD83D\uDE00]",
            "/static/a+b [a+b]",
            "/static/%2B [+]",
            "/static/%25 [%]",
            "/static/100%25.txt [100%.txt]",
            "/static/%252e%252e [%2e%2e]",
            "/static/%252e%252e/%252fetc [%2e%2e|%2fetc]",
            "/static/%255c [%5c]",
            // names that only look odd
            "/static/a..b [a..b]",
            "/static/a. [a.]",
            "/static/a%20 '[a ]'",
            "/static/~user [~user]",
            "/static/%EF%BC%8E%EF%BC%8E [\uFF0E\uFF0E]",
            "/static/file;jsessionid=1 [file;jsessionid=1]",
            "/static/@!$&'()*+,;= [@!$&'()*+,;=]",
    })
    void resolve_mapsAPathToNames(String rawPath, String expected) {
        assertThat(outcome(rawPath)).isEqualTo(expected);
    }

    /** The traversal corpus: every way to spell a climb, and what is answered. */
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = ' ', value = {
            // '..' however it is spelled: 400, never normalised
            "/static/.. 400",
            "/static/../ 400",
            "/static/../etc/passwd 400",
            "/static/a/../../etc/passwd 400",
            "/static/a/.. 400",
            "/static/a/../b 400",
            "/static/%2e%2e/etc/passwd 400",
            "/static/%2E%2E/etc/passwd 400",
            "/static/%2e%2E 400",
            "/static/.%2e/etc 400",
            "/static/%2e./etc 400",
            "/static/.%2E 400",
            "/static/a/%2e%2e 400",
            "/static//../ 400",
            "/static/./../x 400",
            // overlong UTF-8 for '.', '/' and '\\': invalid UTF-8, 400
            "/static/%c0%ae%c0%ae/etc 400",
            "/static/%c0%2e%c0%2e 400",
            "/static/%e0%80%ae%e0%80%ae 400",
            "/static/%c0%af 400",
            "/static/%c1%9c 400",
            // other invalid UTF-8: lone continuation, truncated sequence, surrogate, above U+10FFFF
            "/static/%80 400",
            "/static/%C3 400",
            "/static/%C3x 400",
            "/static/%ED%A0%80 400",
            "/static/%F4%90%80%80 400",
            "/static/%FF 400",
            // malformed escapes
            "/static/% 400",
            "/static/%2 400",
            "/static/%2/ 400",
            "/static/%zz 400",
            "/static/%%32%65 400",
            "/static/%u002e%u002e 400",
            "/static/a%2 400",
            // backslashes, raw or encoded: 400, never a separator
            "/static/..\\etc 400",
            "/static/a\\b 400",
            "/static/%5c 400",
            "/static/%5C..%5Cetc 400",
            "/static/..%5c..%5cetc 400",
            // control characters, raw or decoded
            "/static/a%00.html 400",
            "/static/a%00 400",
            "/static/%0d%0aSet-Cookie:x 400",
            "/static/a%09b 400",
            "/static/a%7F 400",
            "/static/a%C2%85b 400",
            "/static/a%C2%9Fb 400",
            // Windows drives and streams
            "/static/C: 400",
            "/static/C:/x 400",
            "/static/c%3a%5cwindows 400",
            "/static/file.txt::$DATA 400",
            "/static/a%3Ab 400",
            // an encoded slash: 404, the path is not re-split
            "/static/%2f 404",
            "/static/%2F 404",
            "/static/a%2fb 404",
            "/static/..%2f..%2fetc%2fpasswd 404",
            "/static/%2e%2e%2f 404",
            "/static/%2f%2e%2e 404",
            // dotfiles: 404 unless allowed
            "/static/.git/config 404",
            "/static/.git/ 404",
            "/static/.env 404",
            "/static/.htaccess 404",
            "/static/a/.ssh/id_rsa 404",
            "/static/%2egit/config 404",
            "/static/%2Eenv 404",
            "/static/... 404",
            "/static/..; 404",
            "/static/..%3b 404",
            "/static/.%20 404",
            "/static/.. 400",
            // a 400 anywhere wins over a 404 before it
            "/static/.git/../x 400",
            "/static/%2f/%00 400",
            "/static/.env/C: 400",
    })
    void resolve_refusesTraversal(String rawPath, String expected) {
        assertThat(outcome(rawPath)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/static/a b", "/static/a\tb", "/static/a\u0000b", "/static/caf\u00e9", "/static/\u2025",
            "/static/a?b", "/static/a#b", "/static/a\u007fb", "/static/\uFF0E\uFF0E"})
    void resolve_refusesRawCharactersAPathCannotHold(String rawPath) {
        assertThat(outcome(rawPath)).isEqualTo("400");
    }

    @Test
    void resolve_withDotfilesAllowed_servesThem_butNeverDotDot() {
        assertThat(outcome("/static/.well-known/security.txt", "/static", true)).isEqualTo("[.well-known|security.txt]");
        assertThat(outcome("/static/.env", "/static", true)).isEqualTo("[.env]");
        assertThat(outcome("/static/...", "/static", true)).isEqualTo("[...]");
        assertThat(outcome("/static/..", "/static", true)).isEqualTo("400");
        assertThat(outcome("/static/%2e%2e", "/static", true)).isEqualTo("400");
        assertThat(outcome("/static/.", "/static", true)).isEqualTo("[]/");
        assertThat(outcome("/static/%2f", "/static", true)).isEqualTo("404");
    }

    @Test
    void resolve_stripsThePrefix_atASegmentBoundary() {
        assertThat(outcome("/static/a", "/static/", false)).isEqualTo("[a]");
        assertThat(outcome("/static", "/static/", false)).isEqualTo("[]");
        assertThat(outcome("/staticfoo/a", "/static", false)).isEqualTo("404");
        assertThat(outcome("/other/a", "/static", false)).isEqualTo("404");
        assertThat(outcome("/Static/a", "/static", false)).isEqualTo("404");
        assertThat(outcome("/st%61tic/a", "/static", false)).isEqualTo("404");
        assertThat(outcome("/a/b", "/", false)).isEqualTo("[a|b]");
        assertThat(outcome("/", "/", false)).isEqualTo("[]/");
        assertThat(outcome("/a/b/c", "/a/b", false)).isEqualTo("[c]");
        // The prefix is matched raw; what follows it is checked like any path.
        assertThat(outcome("/static/../x", "/static", false)).isEqualTo("400");
        assertThat(outcome("/static%2f../x", "/static", false)).isEqualTo("404");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "static/a", "*", "http://example.com/static/a", "%2fstatic/a"})
    void resolve_refusesWhatIsNotAnOriginFormPath(String rawPath) {
        assertThat(outcome(rawPath)).isEqualTo("400");
        assertThat(outcome(null)).isEqualTo("400");
    }

    @Test
    void resolve_boundsTheSegmentCount() {
        String max = "/static" + "/a".repeat(RequestPath.MAX_SEGMENTS);

        assertThat(RequestPath.resolve(max, "/static", false)).isInstanceOfSatisfying(Segments.class,
                s -> assertThat(s.segments()).hasSize(RequestPath.MAX_SEGMENTS));
        assertThat(outcome(max + "/a")).isEqualTo("414");
        // Dropped segments do not count.
        assertThat(outcome(max + "/./" + "/".repeat(100))).isEqualTo("[" + String.join("|", java.util.Collections.nCopies(64, "a")) + "]/");
    }

    @Test
    void resolve_boundsTheSegmentLength_inUtf8Bytes() {
        assertThat(outcome("/static/" + "a".repeat(255))).isEqualTo("[" + "a".repeat(255) + "]");
        assertThat(outcome("/static/" + "a".repeat(256))).isEqualTo("414");
        // 127 two-byte characters are 254 bytes; 128 are 256.
        assertThat(outcome("/static/" + "%C3%A9".repeat(127))).isEqualTo("[" + "\u00e9".repeat(127) + "]");
        assertThat(outcome("/static/" + "%C3%A9".repeat(128))).isEqualTo("414");
        // An over-long name past a dotfile is still 414.
        assertThat(outcome("/static/.git/" + "a".repeat(256))).isEqualTo("414");
    }

    @Test
    void resolve_boundsThePathLength() {
        String max = "/static/" + "a/".repeat((RequestPath.MAX_PATH_LENGTH - 8) / 2);

        assertThat(outcome(max.substring(0, RequestPath.MAX_PATH_LENGTH))).isEqualTo("414"); // too many segments, first
        assertThat(outcome("/static/" + "/".repeat(RequestPath.MAX_PATH_LENGTH - 8))).isEqualTo("[]/");
        assertThat(outcome("/static/" + "/".repeat(RequestPath.MAX_PATH_LENGTH - 7))).isEqualTo("414");
    }

    @Test
    void resolve_refusesAPrefixThatIsNoPath() {
        assertThatThrownBy(() -> RequestPath.resolve("/a", "a", false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RequestPath.resolve("/a", null, false)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusal_namesTheRule() {
        assertThat(RequestPath.resolve("/static/%2e%2e", "/static", false)).isEqualTo(new Refused(400, "'..' segment in the path"));
        assertThat(RequestPath.resolve("/static/.git", "/static", false)).isEqualTo(new Refused(404, "hidden file or directory in the path"));
        assertThat(RequestPath.resolve("/static/%2F", "/static", false)).isEqualTo(new Refused(404, "encoded '/' in the path"));
    }

    @Test
    void segments_areImmutable() {
        Segments s = (Segments) RequestPath.resolve("/static/a", "/static", false);

        assertThat(s.segments()).isEqualTo(List.of("a"));
        assertThatThrownBy(() -> s.segments().add("b")).isInstanceOf(UnsupportedOperationException.class);
    }
}
