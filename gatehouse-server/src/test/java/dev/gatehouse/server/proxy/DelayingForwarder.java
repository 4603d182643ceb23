package dev.gatehouse.server.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A TCP forwarder in front of a backend that holds back the backend's first bytes of each
 * connection for a while: a backend slow to answer (a handshake that takes its time).
 */
final class DelayingForwarder implements AutoCloseable {

    private final ServerSocket server;
    private final String target;
    private final long delayMillis;
    private final CountDownLatch requestSeen = new CountDownLatch(1);

    DelayingForwarder(String target, long delayMillis) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.target = target;
        this.delayMillis = delayMillis;
        Thread.ofVirtual().start(this::accept);
    }

    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    boolean awaitRequest(long millis) throws InterruptedException {
        return requestSeen.await(millis, TimeUnit.MILLISECONDS);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                int colon = target.lastIndexOf(':');
                Socket backend = new Socket(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)));
                Thread.ofVirtual().start(() -> copy(client, backend, 0, true));
                Thread.ofVirtual().start(() -> copy(backend, client, delayMillis, false));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void copy(Socket from, Socket to, long delay, boolean fromClient) {
        byte[] buf = new byte[16384];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            boolean first = true;
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (first) {
                    first = false;
                    if (fromClient) {
                        requestSeen.countDown();
                    }
                    if (delay > 0) {
                        Thread.sleep(delay);
                    }
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // one side went away
        } finally {
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
