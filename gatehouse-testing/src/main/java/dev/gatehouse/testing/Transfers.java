package dev.gatehouse.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Big uploads and downloads over real HTTP with the JDK client, streamed both ways so that the
 * test itself never holds a body: for checking that a proxy streams byte for byte.
 */
public final class Transfers {

    private Transfers() {
    }

    /** What a download brought: its length and SHA-256 (hex). */
    public record Received(long bytes, String sha256) {
    }

    /**
     * POSTs {@code size} {@link DeterministicBytes} to {@code url} and returns the response body.
     *
     * @param chunked chunked transfer coding instead of {@code Content-Length}
     * @throws AssertionError when the status is not 200
     */
    public static String upload(String url, long size, boolean chunked) {
        try {
            HttpURLConnection up = (HttpURLConnection) URI.create(url).toURL().openConnection();
            up.setRequestMethod("POST");
            up.setDoOutput(true);
            if (chunked) {
                up.setChunkedStreamingMode(64 * 1024);
            } else {
                up.setFixedLengthStreamingMode(size);
            }
            try (OutputStream out = up.getOutputStream(); InputStream in = DeterministicBytes.stream(size)) {
                in.transferTo(out);
            }
            if (up.getResponseCode() != 200) {
                throw new AssertionError("upload to " + url + " answered " + up.getResponseCode());
            }
            try (InputStream in = up.getInputStream()) {
                return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("upload to " + url, e);
        }
    }

    /** GETs {@code url} and hashes the body as it streams in. */
    public static Received download(String url) {
        try {
            HttpURLConnection down = (HttpURLConnection) URI.create(url).toURL().openConnection();
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long n = 0;
            try (InputStream in = down.getInputStream()) {
                byte[] buf = new byte[64 * 1024];
                int r;
                while ((r = in.read(buf)) > 0) {
                    sha.update(buf, 0, r);
                    n += r;
                }
            }
            return new Received(n, HexFormat.of().formatHex(sha.digest()));
        } catch (IOException e) {
            throw new UncheckedIOException("download from " + url, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
