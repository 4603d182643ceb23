package dev.gatehouse.testing;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses HTTP/1.1 responses from a socket stream, with its own buffer so that a peek for end of
 * stream ({@link RawHttpClient#isClosedByPeer()}) never loses bytes.
 */
final class RawResponseReader {

    /** Longer status or header lines are a broken peer, not a test. */
    private static final int MAX_LINE = 64 * 1024;

    private final InputStream in;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int limit;
    private boolean eof;

    RawResponseReader(InputStream in) {
        this.in = in;
    }

    boolean hasBuffered() {
        return pos < limit;
    }

    boolean atEof() {
        return eof;
    }

    void markEof() {
        eof = true;
    }

    /** Reads more bytes into the buffer; returns false at end of stream. */
    boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        if (pos == limit) {
            pos = 0;
            limit = 0;
        } else if (limit == buf.length) {
            System.arraycopy(buf, pos, buf, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        int n = in.read(buf, limit, buf.length - limit);
        if (n < 0) {
            eof = true;
            return false;
        }
        limit += n;
        return true;
    }

    RawHttpResponse read(boolean forHeadRequest, OutputStream sink) throws IOException {
        String statusLine = readLine();
        if (statusLine == null) {
            throw new EOFException("connection closed before a response");
        }
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new ProtocolException("bad status line: " + statusLine);
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new ProtocolException("bad status code in: " + statusLine);
        }
        String reason = parts.length == 3 ? parts[2] : "";
        List<Map.Entry<String, String>> headers = readFields();
        List<Map.Entry<String, String>> trailers = List.of();

        MessageDigest sha256 = BodyDigest.newSha256();
        DigestingSink body = new DigestingSink(sink, sha256);
        if (!hasBody(forHeadRequest, status)) {
            // no body
        } else if (isChunked(headers)) {
            trailers = readChunked(body);
        } else {
            String contentLength = first(headers, "content-length");
            if (contentLength != null) {
                readFixed(body, parseLength(contentLength));
            } else {
                readToEnd(body);
            }
        }
        return new RawHttpResponse(parts[0], status, reason, headers, new byte[0], body.count,
                HexFormat.of().formatHex(sha256.digest()), trailers);
    }

    private static boolean hasBody(boolean forHeadRequest, int status) {
        return !forHeadRequest && status >= 200 && status != 204 && status != 304;
    }

    private static boolean isChunked(List<Map.Entry<String, String>> headers) {
        String last = null;
        for (Map.Entry<String, String> e : headers) {
            if (e.getKey().equalsIgnoreCase("transfer-encoding")) {
                String[] codings = e.getValue().split(",");
                last = codings[codings.length - 1].trim();
            }
        }
        return last != null && last.equalsIgnoreCase("chunked");
    }

    private List<Map.Entry<String, String>> readChunked(DigestingSink body) throws IOException {
        while (true) {
            String sizeLine = readLine();
            if (sizeLine == null) {
                throw new EOFException("connection closed inside a chunked body");
            }
            int semicolon = sizeLine.indexOf(';');
            String hex = (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim();
            long size;
            try {
                size = Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new ProtocolException("bad chunk size line: " + sizeLine);
            }
            if (size < 0) {
                throw new ProtocolException("bad chunk size line: " + sizeLine);
            }
            if (size == 0) {
                return readFields();
            }
            readFixed(body, size);
            String crlf = readLine();
            if (crlf == null || !crlf.isEmpty()) {
                throw new ProtocolException("chunk not followed by CRLF");
            }
        }
    }

    private void readFixed(DigestingSink body, long length) throws IOException {
        long remaining = length;
        while (remaining > 0) {
            if (pos == limit && !fill()) {
                throw new EOFException("connection closed with " + remaining + " of " + length + " body bytes missing");
            }
            int n = (int) Math.min(remaining, limit - pos);
            body.write(buf, pos, n);
            pos += n;
            remaining -= n;
        }
    }

    private void readToEnd(DigestingSink body) throws IOException {
        while (pos < limit || fill()) {
            body.write(buf, pos, limit - pos);
            pos = limit;
        }
    }

    private List<Map.Entry<String, String>> readFields() throws IOException {
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        while (true) {
            String line = readLine();
            if (line == null) {
                throw new EOFException("connection closed inside the header section");
            }
            if (line.isEmpty()) {
                return fields;
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && !fields.isEmpty()) {
                // Obsolete line folding: part of the previous value.
                Map.Entry<String, String> prev = fields.remove(fields.size() - 1);
                fields.add(Map.entry(prev.getKey(), prev.getValue() + " " + line.trim()));
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new ProtocolException("bad header line: " + line);
            }
            fields.add(Map.entry(line.substring(0, colon), line.substring(colon + 1).trim()));
        }
    }

    /** Reads a line ended by LF (a CR before it is dropped); null at end of stream before any byte. */
    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            if (pos == limit && !fill()) {
                if (line.isEmpty()) {
                    return null;
                }
                throw new EOFException("connection closed inside a line: " + line);
            }
            int start = pos;
            while (pos < limit && buf[pos] != '\n') {
                pos++;
            }
            line.append(new String(buf, start, pos - start, StandardCharsets.ISO_8859_1));
            if (line.length() > MAX_LINE) {
                throw new ProtocolException("line longer than " + MAX_LINE + " bytes");
            }
            if (pos < limit) {
                pos++; // the LF
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
        }
    }

    private static String first(List<Map.Entry<String, String>> headers, String lowerName) {
        for (Map.Entry<String, String> e : headers) {
            if (e.getKey().toLowerCase(Locale.ROOT).equals(lowerName)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static long parseLength(String value) throws ProtocolException {
        try {
            long n = Long.parseLong(value.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ProtocolException("bad Content-Length: " + value);
    }

    /** Passes body bytes on while counting and hashing them. */
    private static final class DigestingSink {

        private final OutputStream out;
        private final MessageDigest sha256;
        private long count;

        DigestingSink(OutputStream out, MessageDigest sha256) {
            this.out = out;
            this.sha256 = sha256;
        }

        void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            sha256.update(b, off, len);
            count += len;
        }
    }
}
