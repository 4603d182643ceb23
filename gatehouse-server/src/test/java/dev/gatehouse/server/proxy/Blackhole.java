package dev.gatehouse.server.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback port whose connection attempts hang: a listener that never accepts, with its accept
 * queue filled, so that the kernel drops further SYNs. The only way to make a connect time out
 * without sending traffic off this machine.
 */
final class Blackhole implements AutoCloseable {

    private final ServerSocket server;
    private final List<SocketChannel> fillers = new ArrayList<>();

    Blackhole() throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress("127.0.0.1", 0), 1);
        for (int i = 0; i < 4; i++) {
            SocketChannel ch = SocketChannel.open();
            ch.configureBlocking(false);
            ch.connect(server.getLocalSocketAddress());
            fillers.add(ch);
        }
    }

    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        for (SocketChannel ch : fillers) {
            ch.close();
        }
        server.close();
    }
}
