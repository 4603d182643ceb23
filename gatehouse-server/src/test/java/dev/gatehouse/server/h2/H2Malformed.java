package dev.gatehouse.server.h2;

import static dev.gatehouse.testing.H2Frame.*;

import dev.gatehouse.testing.H2Frame;
import dev.gatehouse.testing.HpackBlock;
import dev.gatehouse.testing.RawH2Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Malformed HTTP/2 input, each case with the refusal RFC 9113 or RFC 7541 demands: a stream error
 * (RST_STREAM) or a connection error (GOAWAY), and its code. Shared by the tests of the
 * protections alone and of the node; in every case nothing may reach a backend.
 */
final class H2Malformed {

    /** What the server must answer: a RST_STREAM on the case's stream or a GOAWAY, with one of the codes. */
    record Expect(boolean streamErrorAllowed, boolean connectionErrorAllowed, long... codes) {
        static Expect stream(long code) {
            return new Expect(true, false, code);
        }

        static Expect connection(long code) {
            return new Expect(false, true, code);
        }

        static Expect either(long... codes) {
            return new Expect(true, true, codes);
        }

        boolean accepts(H2Frame f) {
            boolean kind = f.type() == RST_STREAM ? streamErrorAllowed : connectionErrorAllowed;
            return kind && java.util.Arrays.stream(codes).anyMatch(c -> c == f.errorCode());
        }

        @Override
        public String toString() {
            List<String> names = new ArrayList<>();
            for (long c : codes) {
                names.add(H2Frame.errorName(c));
            }
            return (streamErrorAllowed ? connectionErrorAllowed ? "RST_STREAM or GOAWAY " : "RST_STREAM " : "GOAWAY ")
                    + String.join("|", names);
        }
    }

    /** One case: its name, the stream it is about, what to send after the preface, the answer. */
    record Case(String name, int streamId, Consumer<RawH2Connection> send, Expect expect) {
        @Override
        public String toString() {
            return name;
        }
    }

    private H2Malformed() {
    }

    private static Case req(String name, HpackBlock block, Expect expect) {
        return new Case(name, 1, h2 -> h2.headers(1, block.bytes(), true), expect);
    }

    private static Case bad(String name, HpackBlock block) {
        return req(name, block, Expect.stream(PROTOCOL_ERROR));
    }

    private static HpackBlock get() {
        return HpackBlock.get("/");
    }

    private static HpackBlock pseudo(String method, String scheme, String path, String authority) {
        HpackBlock b = new HpackBlock();
        if (method != null) {
            b.literal(":method", method);
        }
        if (scheme != null) {
            b.literal(":scheme", scheme);
        }
        if (path != null) {
            b.literal(":path", path);
        }
        if (authority != null) {
            b.literal(":authority", authority);
        }
        return b;
    }

    /** Malformed requests: stream errors of type PROTOCOL_ERROR (RFC 9113 section 8.1.1). */
    static List<Case> requests() {
        List<Case> c = new ArrayList<>();
        c.add(bad("uppercase field name", get().literal("X-Upper", "1")));
        c.add(bad("space in a field name", get().literal("x y", "1")));
        c.add(bad("colon inside a field name", get().literal("x:y", "1")));
        c.add(bad("NUL in a field name", get().literal("x\0y", "1")));
        c.add(bad("empty field name", get().literal("", "1")));
        c.add(bad("non-ASCII field name", get().literal("x\u00e9", "1")));
        for (String h : List.of("connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade")) {
            c.add(bad("connection-specific field " + h, get().literal(h, h.equals("transfer-encoding") ? "chunked" : "x")));
        }
        c.add(bad("te other than trailers", get().literal("te", "gzip")));
        c.add(bad("pseudo-header after a regular field",
                pseudo("GET", "http", null, "x").literal("x-a", "1").literal(":path", "/")));
        c.add(bad("no :method", pseudo(null, "http", "/", "x")));
        c.add(bad("no :scheme", pseudo("GET", null, "/", "x")));
        c.add(bad("no :path", pseudo("GET", "http", null, "x")));
        c.add(bad("two :path", get().literal(":path", "/again")));
        c.add(bad("two :method", pseudo("GET", "http", "/", "x").literal(":method", "POST")));
        c.add(bad("unknown pseudo-header :foo", pseudo("GET", "http", "/", "x").literal(":foo", "1")));
        c.add(bad(":status in a request", pseudo("GET", "http", "/", "x").literal(":status", "200")));
        c.add(bad(":protocol without extended CONNECT", pseudo("CONNECT", "http", "/", "x").literal(":protocol", "websocket")));
        c.add(bad("empty :path", pseudo("GET", "http", "", "x")));
        c.add(bad(":path not starting with /", pseudo("GET", "http", "index.html", "x")));
        c.add(bad(":path * on GET", pseudo("GET", "http", "*", "x")));
        c.add(bad(":scheme ftp", pseudo("GET", "ftp", "/", "x")));
        c.add(bad("CONNECT with :path and :scheme", pseudo("CONNECT", "http", "/", "example.com:443")));
        c.add(bad("CONNECT without :authority", pseudo("CONNECT", null, null, null)));
        c.add(bad("content-length not a number", get().literal("content-length", "abc")));
        c.add(bad("content-length 5 on a request that ends at once", get().literal("content-length", "5")));
        c.add(bad("two different content-length", get().literal("content-length", "0").literal("content-length", "1")));
        c.add(bad("NUL in a value", get().literal("x-a", "a\0b")));
        c.add(bad("CR in a value", get().literal("x-a", "a\rb")));
        c.add(bad("LF in a value", get().literal("x-a", "a\nb")));
        c.add(bad("CRLF and a smuggled field in a value", get().literal("x-a", "a\r\nx-b: c")));
        c.add(bad("leading whitespace in a value", get().literal("x-a", " a")));
        c.add(bad("trailing whitespace in a value", get().literal("x-a", "a\t")));
        c.add(bad("space in :authority", pseudo("GET", "http", "/", "a b")));
        c.add(bad("userinfo in :authority", pseudo("GET", "http", "/", "user@x")));
        c.add(bad("port out of range in :authority", pseudo("GET", "http", "/", "x:99999")));
        c.add(bad("neither :authority nor host", pseudo("GET", "http", "/", null)));
        return c;
    }

    /**
     * Requests whose head passes and whose body or trailers break a rule: the head may reach a
     * backend (the node streams), the stream is reset when the rest arrives, and the backend never
     * gets a complete request.
     */
    static List<Case> afterHead() {
        return List.of(
                new Case("content-length 5 with 3 octets of DATA", 1, h2 -> h2
                        .headers(1, HpackBlock.request("POST", "/").literal("content-length", "5").bytes(), false)
                        .data(1, new byte[3], true), Expect.stream(PROTOCOL_ERROR)),
                new Case("content-length 2 with 5 octets of DATA", 1, h2 -> h2
                        .headers(1, HpackBlock.request("POST", "/").literal("content-length", "2").bytes(), false)
                        .data(1, new byte[5], true), Expect.stream(PROTOCOL_ERROR)),
                new Case("pseudo-header in trailers", 1, h2 -> h2
                        .headers(1, HpackBlock.request("POST", "/").bytes(), false).data(1, new byte[1], false)
                        .headers(1, new HpackBlock().literal(":path", "/x").bytes(), true), Expect.stream(PROTOCOL_ERROR)),
                new Case("CR in a trailer value", 1, h2 -> h2
                        .headers(1, HpackBlock.request("POST", "/").bytes(), false).data(1, new byte[1], false)
                        .headers(1, new HpackBlock().literal("x-t", "a\rb").bytes(), true), Expect.stream(PROTOCOL_ERROR)));
    }

    /** Frames that break the framing layer, the stream states, SETTINGS or HPACK. */
    static List<Case> frames() {
        List<Case> c = new ArrayList<>();
        c.add(new Case("SETTINGS_ENABLE_PUSH 2", 0, h2 -> h2.settings(SETTINGS_ENABLE_PUSH, 2),
                Expect.connection(PROTOCOL_ERROR)));
        c.add(new Case("SETTINGS_INITIAL_WINDOW_SIZE 2^31", 0, h2 -> h2.settings(SETTINGS_INITIAL_WINDOW_SIZE, 1L << 31),
                Expect.connection(FLOW_CONTROL_ERROR)));
        c.add(new Case("SETTINGS_MAX_FRAME_SIZE 16383", 0, h2 -> h2.settings(SETTINGS_MAX_FRAME_SIZE, 16_383),
                Expect.connection(PROTOCOL_ERROR)));
        c.add(new Case("SETTINGS_MAX_FRAME_SIZE 2^24", 0, h2 -> h2.settings(SETTINGS_MAX_FRAME_SIZE, 1 << 24),
                Expect.connection(PROTOCOL_ERROR)));
        c.add(new Case("SETTINGS of 5 octets", 0, h2 -> h2.frame(SETTINGS, 0, 0, new byte[5]),
                Expect.connection(FRAME_SIZE_ERROR)));
        c.add(new Case("SETTINGS on a stream", 0, h2 -> h2.frame(SETTINGS, 0, 1, new byte[0]),
                Expect.connection(PROTOCOL_ERROR)));
        c.add(new Case("SETTINGS ack with a payload", 0, h2 -> h2.frame(SETTINGS, ACK, 0, new byte[6]),
                Expect.connection(FRAME_SIZE_ERROR)));
        c.add(new Case("PING on a stream", 0, h2 -> h2.frame(PING, 0, 1, new byte[8]), Expect.connection(PROTOCOL_ERROR)));
        c.add(new Case("PING of 7 octets", 0, h2 -> h2.frame(PING, 0, 0, new byte[7]), Expect.connection(FRAME_SIZE_ERROR)));
        c.add(new Case("HEADERS on stream 0", 0, h2 -> h2.headers(0, get().bytes(), true), Expect.connection(PROTOCOL_ERROR)));
        c.add(new Case("HEADERS on an even stream id", 2, h2 -> h2.headers(2, get().bytes(), true),
                Expect.connection(PROTOCOL_ERROR)));
        c.add(new Case("DATA on an idle stream", 1, h2 -> h2.data(1, new byte[1], true), Expect.connection(PROTOCOL_ERROR)));
        c.add(new Case("RST_STREAM on an idle stream", 1, h2 -> h2.rstStream(1, CANCEL), Expect.connection(PROTOCOL_ERROR)));
        c.add(new Case("WINDOW_UPDATE of 0 on the connection", 0, h2 -> h2.windowUpdate(0, 0),
                Expect.connection(PROTOCOL_ERROR)));
        c.add(new Case("WINDOW_UPDATE past 2^31-1 on the connection", 0, h2 -> h2.windowUpdate(0, Integer.MAX_VALUE),
                Expect.connection(FLOW_CONTROL_ERROR)));
        c.add(new Case("CONTINUATION without HEADERS", 1, h2 -> h2.continuation(1, get().bytes(), true),
                Expect.connection(PROTOCOL_ERROR)));
        c.add(new Case("PING inside a header block", 1, h2 -> h2
                .frame(HEADERS, END_STREAM, 1, get().bytes()).ping(1), Expect.connection(PROTOCOL_ERROR)));
        c.add(new Case("CONTINUATION on another stream", 1, h2 -> h2
                .frame(HEADERS, END_STREAM, 1, get().bytes()).continuation(3, new byte[0], true),
                Expect.connection(PROTOCOL_ERROR)));
        c.add(new Case("frame larger than SETTINGS_MAX_FRAME_SIZE", 1, h2 -> h2
                .frame(HEADERS, END_STREAM | END_HEADERS, 1, new byte[16_385]), Expect.connection(FRAME_SIZE_ERROR)));
        c.add(new Case("padding as long as the frame", 1, h2 -> h2
                .frame(HEADERS, END_STREAM | END_HEADERS | PADDED, 1, new byte[] {10, 0, 0}),
                Expect.connection(PROTOCOL_ERROR)));
        c.add(new Case("PRIORITY on itself", 1, h2 -> h2.frame(PRIORITY, 0, 1, new byte[] {0, 0, 0, 1, 16}),
                Expect.stream(PROTOCOL_ERROR)));
        c.add(new Case("HPACK integer overflow", 1, h2 -> h2.headers(1, new HpackBlock()
                .raw((byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0x7f)
                .bytes(), true), Expect.connection(COMPRESSION_ERROR)));
        c.add(new Case("HPACK index past the tables", 1, h2 -> h2.headers(1, get().indexed(70).bytes(), true),
                Expect.connection(COMPRESSION_ERROR)));
        c.add(new Case("HPACK index 0", 1, h2 -> h2.headers(1, get().indexed(0).bytes(), true),
                Expect.connection(COMPRESSION_ERROR)));
        c.add(new Case("HPACK table size update past SETTINGS_HEADER_TABLE_SIZE", 1, h2 -> h2.headers(1,
                new HpackBlock().tableSizeUpdate(4097).raw(get().bytes()).bytes(), true), Expect.connection(COMPRESSION_ERROR)));
        c.add(new Case("HPACK table size update after a field", 1, h2 -> h2.headers(1,
                get().tableSizeUpdate(100).bytes(), true), Expect.connection(COMPRESSION_ERROR)));
        c.add(new Case("HPACK Huffman padding of zeros", 1, h2 -> h2.headers(1, huffmanValue(new byte[] {0x18}), true),
                Expect.connection(COMPRESSION_ERROR)));
        c.add(new Case("HPACK Huffman padding longer than 7 bits", 1, h2 -> h2.headers(1,
                huffmanValue(new byte[] {0x1f, (byte) 0xff}), true), Expect.connection(COMPRESSION_ERROR)));
        c.add(new Case("HPACK Huffman EOS symbol", 1, h2 -> h2.headers(1,
                huffmanValue(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}), true),
                Expect.connection(COMPRESSION_ERROR)));
        c.add(new Case("HPACK block ending mid-field", 1, h2 -> h2.headers(1, get().raw((byte) 0x00, (byte) 0x05,
                (byte) 'x').bytes(), true), Expect.connection(COMPRESSION_ERROR)));
        return c;
    }

    /** A GET whose {@code x-a} value is a Huffman string of these octets ('a' is 00011, so 0x1f is valid). */
    private static byte[] huffmanValue(byte[] octets) {
        return get().integer(0x00, 4, 0).string("x-a").huffmanString(octets).bytes();
    }

    static Stream<Arguments> arguments(List<Case> cases) {
        return cases.stream().map(Arguments::of);
    }
}
