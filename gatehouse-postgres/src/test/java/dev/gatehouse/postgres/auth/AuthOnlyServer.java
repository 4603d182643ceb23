package dev.gatehouse.postgres.auth;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A PostgreSQL server that only authenticates, for testing {@link ScramServer} and
 * {@link Md5Password} against real clients (pgjdbc, libpq's psql): it reads the StartupMessage,
 * runs SCRAM-SHA-256 or md5 for the user's stored password (a SCRAM secret or an md5 hash; an
 * unknown user gets a mock SCRAM exchange), then either ends the login as PostgreSQL does
 * (AuthenticationOk, a few ParameterStatus, BackendKeyData, ReadyForQuery) and answers every
 * query with EmptyQueryResponse, or sends PostgreSQL's 28P01 ErrorResponse and closes. Blocking
 * sockets, a virtual thread per connection: a test fixture, not the front door.
 */
final class AuthOnlyServer implements AutoCloseable {

    private static final int SSL_REQUEST = 80877103;
    private static final int GSSENC_REQUEST = 80877104;
    private static final int PROTOCOL_3 = 196608;

    private final ServerSocket listener;
    private final Map<String, String> stored;
    private final byte[] mockKey = new byte[32];
    private final SecureRandom random = new SecureRandom();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    /** Why each failed login failed (the reasons the front door would log). */
    private final Queue<String> failures = new ConcurrentLinkedQueue<>();

    private AuthOnlyServer(Map<String, String> stored) throws IOException {
        this.stored = new HashMap<>(stored);
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        random.nextBytes(mockKey);
    }

    /** Starts on a free loopback port; {@code stored} maps user names to stored passwords. */
    static AuthOnlyServer start(Map<String, String> stored) throws IOException {
        AuthOnlyServer server = new AuthOnlyServer(stored);
        server.threads.submit(server::acceptLoop);
        return server;
    }

    int port() {
        return listener.getLocalPort();
    }

    Queue<String> failures() {
        return failures;
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                threads.submit(() -> serve(socket));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(20_000);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            Map<String, String> startup = readStartup(in, out);
            String user = startup.getOrDefault("user", "");
            String reason = authenticate(user, stored.get(user), in, out);
            if (reason != null) {
                failures.add(user + ": " + reason);
                sendError(out, "28P01", "password authentication failed for user \"" + user + "\"");
                return;
            }
            sendAuth(out, 0, new byte[0]);
            parameterStatus(out, "server_version", "15.0");
            parameterStatus(out, "client_encoding", "UTF8");
            parameterStatus(out, "standard_conforming_strings", "on");
            parameterStatus(out, "DateStyle", "ISO, MDY");
            parameterStatus(out, "integer_datetimes", "on");
            send(out, 'K', ByteBuffer.allocate(8).putInt(1).putInt(2).array());
            send(out, 'Z', new byte[] {'I'});
            while (true) {
                char type = (char) in.readUnsignedByte();
                readBody(in);
                if (type == 'X') {
                    return;
                }
                if (type == 'Q') {
                    send(out, 'I', new byte[0]);
                    send(out, 'Z', new byte[] {'I'});
                }
            }
        } catch (IOException e) {
            // the client left
        }
    }

    /** Null on success, else the reason. */
    private String authenticate(String user, String password, DataInputStream in, DataOutputStream out) throws IOException {
        if (password != null && Md5Password.isHash(password)) {
            byte[] salt = Md5Password.newSalt(random);
            sendAuth(out, 5, salt);
            byte[] body = readMessage(in, 'p');
            byte[] response = Arrays.copyOf(body, Math.max(0, body.length - 1)); // without the NUL
            return Md5Password.verify(password, user, salt, response) ? null : "wrong md5 response";
        }
        ScramServer scram = password == null ? ScramServer.mock(user, mockKey, random)
                : ScramServer.create(ScramSecret.parse(password), random);
        sendAuth(out, 10, "SCRAM-SHA-256\0\0".getBytes(StandardCharsets.US_ASCII));
        ByteBuffer initial = ByteBuffer.wrap(readMessage(in, 'p'));
        StringBuilder mechanism = new StringBuilder();
        for (byte b = initial.get(); b != 0; b = initial.get()) {
            mechanism.append((char) b);
        }
        if (!mechanism.toString().equals("SCRAM-SHA-256")) {
            return "mechanism " + mechanism;
        }
        byte[] clientFirst = new byte[initial.getInt()];
        initial.get(clientFirst);
        ScramStep step = scram.receiveClientFirst(clientFirst);
        if (!(step instanceof ScramStep.Continue serverFirst)) {
            return ((ScramStep.Failure) step).reason();
        }
        sendAuth(out, 11, serverFirst.bytes());
        step = scram.receiveClientFinal(readMessage(in, 'p'));
        if (!(step instanceof ScramStep.Complete serverFinal)) {
            return ((ScramStep.Failure) step).reason();
        }
        sendAuth(out, 12, serverFinal.bytes());
        return null;
    }

    private static Map<String, String> readStartup(DataInputStream in, DataOutputStream out) throws IOException {
        while (true) {
            byte[] body = readBody(in);
            int code = ByteBuffer.wrap(body).getInt();
            if (code == SSL_REQUEST || code == GSSENC_REQUEST) {
                out.writeByte('N'); // no TLS, no GSSAPI here: the client goes on in plaintext
                out.flush();
                continue;
            }
            if (code != PROTOCOL_3) {
                throw new IOException("protocol " + code);
            }
            Map<String, String> parameters = new HashMap<>();
            int start = 4;
            while (body[start] != 0) {
                int nameEnd = indexOfNul(body, start);
                int valueEnd = indexOfNul(body, nameEnd + 1);
                parameters.put(new String(body, start, nameEnd - start, StandardCharsets.UTF_8),
                        new String(body, nameEnd + 1, valueEnd - nameEnd - 1, StandardCharsets.UTF_8));
                start = valueEnd + 1;
            }
            return parameters;
        }
    }

    private static int indexOfNul(byte[] bytes, int from) throws IOException {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        throw new IOException("no NUL");
    }

    private static byte[] readMessage(DataInputStream in, char expected) throws IOException {
        char type = (char) in.readUnsignedByte();
        if (type != expected) {
            throw new EOFException("expected '" + expected + "', got '" + type + "'");
        }
        return readBody(in);
    }

    private static byte[] readBody(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 4 || length > 65_536) {
            throw new IOException("length " + length);
        }
        byte[] body = new byte[length - 4];
        in.readFully(body);
        return body;
    }

    private static void sendAuth(DataOutputStream out, int code, byte[] data) throws IOException {
        send(out, 'R', ByteBuffer.allocate(4 + data.length).putInt(code).put(data).array());
    }

    private static void parameterStatus(DataOutputStream out, String name, String value) throws IOException {
        send(out, 'S', (name + "\0" + value + "\0").getBytes(StandardCharsets.UTF_8));
    }

    private static void sendError(DataOutputStream out, String sqlState, String message) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (String field : new String[] {"SFATAL", "VFATAL", "C" + sqlState, "M" + message}) {
            body.writeBytes(field.getBytes(StandardCharsets.UTF_8));
            body.write(0);
        }
        body.write(0);
        send(out, 'E', body.toByteArray());
    }

    private static void send(DataOutputStream out, char type, byte[] body) throws IOException {
        out.writeByte(type);
        out.writeInt(body.length + 4);
        out.write(body);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        threads.shutdownNow();
    }
}
