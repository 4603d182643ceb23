package dev.gatehouse.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;

/**
 * Free loopback ports for processes that bind them a moment after a test picks them (etcd members,
 * a supervisor's app instances). Taken below Linux's ephemeral range (32768-60999), from which any
 * outgoing connection on the machine may meanwhile get its local port; a random start keeps tests
 * that run at once apart.
 */
public final class FreePorts {

    private static final int LOW = 10_000;
    private static final int HIGH = 32_000;

    private FreePorts() {
    }

    /** The first of {@code size} consecutive ports that are free on loopback now. */
    public static int range(int size) {
        int start = LOW + ThreadLocalRandom.current().nextInt(HIGH - LOW - size);
        for (int tried = 0; tried < HIGH - LOW; tried += size) {
            int first = LOW + (start - LOW + tried) % (HIGH - LOW - size);
            if (IntStream.range(first, first + size).allMatch(FreePorts::bindable)) {
                return first;
            }
        }
        throw new IllegalStateException("no " + size + " free consecutive ports between " + LOW + " and " + HIGH);
    }

    /** One port free on loopback now. */
    public static int one() {
        return range(1);
    }

    /** Whether a listener could bind {@code port} on 127.0.0.1 now. */
    public static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
