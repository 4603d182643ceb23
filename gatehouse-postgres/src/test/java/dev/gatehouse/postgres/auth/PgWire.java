package dev.gatehouse.postgres.auth;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The few messages of PostgreSQL's protocol v3 an authentication test needs, written by hand on a
 * plain socket: StartupMessage, the 'p' messages (SASLInitialResponse, SASLResponse,
 * PasswordMessage), and reading any backend message as its type and body. Independent of the
 * module's codec on purpose: this tests authentication, not our framing.
 */
final class PgWire implements AutoCloseable {

    /** One backend message: its type byte and its body (without the length). */
    record Message(char type, byte[] body) {
        /** The Authentication request code of an 'R' message (0 ok, 5 md5, 10 SASL, 11 continue, 12 final). */
        int authCode() {
            return ByteBuffer.wrap(body).getInt();
        }

        /** The 'R' message's data after its code. */
        byte[] authData() {
            byte[] data = new byte[body.length - 4];
            System.arraycopy(body, 4, data, 0, data.length);
            return data;
        }

        /** The field of an ErrorResponse with this code ('C' the SQLSTATE, 'M' the message), or null. */
        String errorField(char code) {
            int i = 0;
            while (i < body.length && body[i] != 0) {
                int end = i + 1;
                while (body[end] != 0) {
                    end++;
                }
                if (body[i] == code) {
                    return new String(body, i + 1, end - i - 1, StandardCharsets.UTF_8);
                }
                i = end + 1;
            }
            return null;
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;

    private PgWire(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = new DataOutputStream(socket.getOutputStream());
    }

    /** Connects and sends the StartupMessage (protocol 3.0) for this user and database. */
    static PgWire startup(int port, String user, String database) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(20_000); // a server that stops answering fails the test, not hangs it
        PgWire wire = new PgWire(socket);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeInt(body, 196608);
        for (String s : new String[] {"user", user, "database", database}) {
            writeCString(body, s);
        }
        body.write(0);
        wire.out.writeInt(body.size() + 4);
        body.writeTo(wire.out);
        wire.out.flush();
        return wire;
    }

    /** Reads the next backend message. */
    Message read() throws IOException {
        char type = (char) in.readUnsignedByte();
        int length = in.readInt();
        if (length < 4 || length > 1 << 20) {
            throw new IOException("a backend message of type '" + type + "' claims " + length + " bytes");
        }
        byte[] body = new byte[length - 4];
        in.readFully(body);
        return new Message(type, body);
    }

    /** SASLInitialResponse: the mechanism chosen and the client-first message. */
    void saslInitialResponse(String mechanism, byte[] data) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeCString(body, mechanism);
        writeInt(body, data.length);
        body.write(data);
        send('p', body.toByteArray());
    }

    /** SASLResponse: the client-final message. */
    void saslResponse(byte[] data) throws IOException {
        send('p', data);
    }

    /** PasswordMessage: a NUL-terminated string. */
    void passwordMessage(String password) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeCString(body, password);
        send('p', body.toByteArray());
    }

    /** Reads messages up to ReadyForQuery ('Z'), the sign that the session is ready; fails on an ErrorResponse. */
    void awaitReadyForQuery() throws IOException {
        for (Message m = read(); m.type() != 'Z'; m = read()) {
            if (m.type() == 'E') {
                throw new IOException("ErrorResponse " + m.errorField('C') + ": " + m.errorField('M'));
            }
        }
    }

    private void send(char type, byte[] body) throws IOException {
        out.writeByte(type);
        out.writeInt(body.length + 4);
        out.write(body);
        out.flush();
    }

    private static void writeInt(ByteArrayOutputStream out, int value) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(value).array());
    }

    private static void writeCString(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        out.write(0);
    }

    @Override
    public void close() throws IOException {
        if (!socket.isClosed()) {
            try {
                send('X', new byte[0]); // Terminate, so the server logs no "unexpected EOF"
            } catch (IOException e) {
                // the server may have closed first after an error
            }
            socket.close();
        }
    }
}
