package dev.gatehouse.testing;

import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The raw bytes a {@link StubBackend} received while capturing was on, kept per connection: what
 * a proxy really sent, before any parser had a say. Tests of request smuggling compare these bytes
 * with what they expect the proxy to forward. Thread-safe; bounded by {@link #LIMIT} bytes in all
 * (past it, bytes are counted but not kept, and {@link #overflowed()} says so).
 */
final class ReceivedBytes {

    /** The most bytes kept; captures are for protocol tests, not bulk transfers. */
    static final int LIMIT = 4 * 1024 * 1024;

    private final Map<Long, ByteArrayOutputStream> byConnection = new LinkedHashMap<>();
    private volatile boolean capturing;
    private long kept;
    private boolean overflowed;

    boolean capturing() {
        return capturing;
    }

    void capturing(boolean on) {
        capturing = on;
    }

    synchronized void add(long connectionId, byte[] data) {
        if (kept + data.length > LIMIT) {
            overflowed = true;
            return;
        }
        kept += data.length;
        byConnection.computeIfAbsent(connectionId, id -> new ByteArrayOutputStream()).writeBytes(data);
    }

    /** Each connection's bytes in turn, connections in the order their first byte came since the last clear. */
    synchronized byte[] all() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byConnection.values().forEach(b -> all.writeBytes(b.toByteArray()));
        return all.toByteArray();
    }

    synchronized boolean overflowed() {
        return overflowed;
    }

    synchronized void clear() {
        byConnection.clear();
        kept = 0;
        overflowed = false;
    }
}
