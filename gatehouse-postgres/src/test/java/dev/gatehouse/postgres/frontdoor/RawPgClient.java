package dev.gatehouse.postgres.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A PostgreSQL client speaking the protocol by hand on a plain socket, for input no driver sends. */
final class RawPgClient implements AutoCloseable {

    final Socket socket;
    final DataOutputStream out;
    final DataInputStream in;

    private RawPgClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        out = new DataOutputStream(socket.getOutputStream());
        in = new DataInputStream(socket.getInputStream());
    }

    /** Connects to 127.0.0.1:{@code port} and logs in (trust) as {@code user} to {@code database}. */
    static RawPgClient loggedIn(int port, String user, String database) throws IOException {
        RawPgClient raw = new RawPgClient(port);
        ByteArrayOutputStream params = new ByteArrayOutputStream();
        for (String s : new String[] {"user", user, "database", database, ""}) {
            params.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            params.write(0);
        }
        raw.out.writeInt(8 + params.size());
        raw.out.writeInt(196608);
        raw.out.write(params.toByteArray());
        raw.out.flush();
        raw.untilReady();
        return raw;
    }

    /**
     * Sends one message in one write: the front door may refuse a message by its type byte alone
     * and close, and a second write after that would fail (broken pipe) before the error is read.
     */
    void send(char type, byte[] payload) throws IOException {
        java.nio.ByteBuffer frame = java.nio.ByteBuffer.allocate(5 + payload.length);
        frame.put((byte) type).putInt(4 + payload.length).put(payload);
        out.write(frame.array());
        out.flush();
    }

    /** Reads messages up to a ReadyForQuery; returns their payloads as text. */
    String untilReady() throws IOException {
        StringBuilder text = new StringBuilder();
        while (true) {
            char type = (char) in.readUnsignedByte();
            byte[] payload = new byte[in.readInt() - 4];
            in.readFully(payload);
            text.append(type).append(new String(payload, StandardCharsets.UTF_8)).append('\n');
            if (type == 'E') {
                throw new AssertionError("error: " + text);
            }
            if (type == 'Z') {
                return text.toString();
            }
        }
    }

    /** Reads an ErrorResponse and then the end of the stream; returns the error's fields as text. */
    String errorAndClose() throws IOException {
        char type = (char) in.readUnsignedByte();
        byte[] payload = new byte[in.readInt() - 4];
        in.readFully(payload);
        assertThat(type).isEqualTo('E');
        try {
            assertThat(in.read()).isEqualTo(-1);
        } catch (EOFException | java.net.SocketException closed) {
            // closed: as expected
        }
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
