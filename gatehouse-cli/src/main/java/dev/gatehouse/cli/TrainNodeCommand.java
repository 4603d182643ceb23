package dev.gatehouse.cli;

import dev.gatehouse.server.GatehouseServer;
import dev.gatehouse.server.demo.DemoBackends;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code gatehouse train-node} (hidden): the run the launcher records a node's start-up archive
 * from (JDK 25's AOT cache: the classes a node loads, linked, and the method profiles its request
 * path gathered; see {@code bin/gatehouse}). It starts a node in this process in front of two demo
 * backends on loopback, sends it keep-alive GETs and POSTs from a few connections for a few
 * seconds, reads its admin API, and stops it. Nothing leaves 127.0.0.1; nothing is written but the
 * archive.
 */
@Command(name = "train-node", hidden = true, description = "Run traffic through an in-process node (for bin/gatehouse's node archive).")
final class TrainNodeCommand implements Callable<Integer> {

    private static final int CONNECTIONS = 8;
    private static final byte[] POST_BODY = "x".repeat(2048).getBytes(StandardCharsets.US_ASCII);

    @Spec
    CommandSpec spec;

    @Option(names = "--seconds", description = "How long the traffic runs (default: ${DEFAULT-VALUE}).", defaultValue = "6")
    int seconds;

    @Override
    public Integer call() throws Exception {
        if (seconds < 1 || seconds > 60) {
            spec.commandLine().getErr().println("gatehouse: train-node: --seconds " + seconds + " (expected: 1 to 60)");
            return Main.EXIT_CONFIG;
        }
        try (DemoBackends demo = DemoBackends.start(2)) {
            GatehouseServer node = GatehouseServer.start(TrainCommand.trainingConfig(demo.addresses()));
            try {
                long answered = drive(node.port(), node.adminPort(), seconds * 1_000_000_000L);
                spec.commandLine().getOut().println("gatehouse: trained a node (" + answered + " requests answered)");
                return answered > 0 ? 0 : 1;
            } finally {
                node.close();
            }
        }
    }

    /** Sends requests from {@link #CONNECTIONS} keep-alive connections for {@code nanos}; returns how many were answered. */
    private static long drive(int port, int adminPort, long nanos) throws InterruptedException {
        AtomicLong answered = new AtomicLong();
        long end = System.nanoTime() + nanos;
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            int target = i == 0 ? adminPort : port;
            String path = i == 0 ? "/api/v1/pools" : "/train/" + i;
            threads.add(Thread.ofPlatform().name("train-" + i).start(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", target), 5_000);
                    s.setSoTimeout(5_000);
                    OutputStream out = s.getOutputStream();
                    InputStream in = s.getInputStream();
                    for (long n = 0; System.nanoTime() < end; n++) {
                        boolean post = target == port && n % 8 == 7;
                        String head = (post ? "POST " : "GET ") + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                + (post ? "Content-Type: text/plain\r\nContent-Length: " + POST_BODY.length + "\r\n" : "") + "\r\n";
                        out.write(head.getBytes(StandardCharsets.US_ASCII));
                        if (post) {
                            out.write(POST_BODY);
                        }
                        out.flush();
                        readResponse(in);
                        answered.incrementAndGet();
                    }
                } catch (IOException e) {
                    // A training run that goes wrong records a smaller archive; the count says so.
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        return answered.get();
    }

    /** Reads one response with a Content-Length body (what the node and its demo backends send). */
    private static void readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        // Byte by byte up to the blank line; only its last four characters are looked at, so that
        // the training's own client does not crowd out the node it trains.
        while (!endsWithBlankLine(head)) {
            int b = in.read();
            if (b < 0 || head.length() > 16_384) {
                throw new IOException("connection closed or head too long");
            }
            head.append((char) b);
        }
        long length = 0;
        for (String line : head.toString().split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).equalsIgnoreCase("content-length")) {
                try {
                    length = Long.parseLong(line.substring(colon + 1).trim());
                } catch (NumberFormatException e) {
                    throw new IOException("bad Content-Length: " + line, e);
                }
            }
        }
        in.skipNBytes(length);
    }

    private static boolean endsWithBlankLine(StringBuilder s) {
        int n = s.length();
        return n >= 4 && s.charAt(n - 4) == '\r' && s.charAt(n - 3) == '\n' && s.charAt(n - 2) == '\r'
                && s.charAt(n - 1) == '\n';
    }
}
