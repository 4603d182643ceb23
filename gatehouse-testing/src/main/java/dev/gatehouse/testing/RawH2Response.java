package dev.gatehouse.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * What came back on one HTTP/2 stream, as {@link RawH2Connection} decoded it.
 *
 * @param streamId the stream
 * @param headers the response header fields in order, pseudo-headers included, empty when none came
 * @param body the DATA octets, padding removed
 * @param trailers the trailer fields, empty when none came
 * @param endStream whether the server ended the stream (END_STREAM)
 * @param resetCode the RST_STREAM error code the server sent, or -1
 */
public record RawH2Response(int streamId, List<Map.Entry<String, String>> headers, byte[] body,
                            List<Map.Entry<String, String>> trailers, boolean endStream, long resetCode) {

    /** Copies the lists. */
    public RawH2Response {
        headers = List.copyOf(headers);
        trailers = List.copyOf(trailers);
    }

    /** The {@code :status}, or -1 when no response head came. */
    public int status() {
        String s = header(":status");
        return s == null ? -1 : Integer.parseInt(s);
    }

    /**
     * The first value of a header field.
     *
     * @param name the name, compared ignoring case
     * @return the value, or null
     */
    public String header(String name) {
        for (Map.Entry<String, String> e : headers) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** The body as UTF-8 text. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Whether the server reset the stream. */
    public boolean wasReset() {
        return resetCode >= 0;
    }

    @Override
    public String toString() {
        return "RawH2Response[stream " + streamId + ", " + headers + ", " + body.length + " body octets"
                + (endStream ? ", ended" : "") + (wasReset() ? ", reset " + H2Frame.errorName(resetCode) : "") + "]";
    }
}
