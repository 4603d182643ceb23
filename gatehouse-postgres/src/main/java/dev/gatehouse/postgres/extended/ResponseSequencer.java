package dev.gatehouse.postgres.extended;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Which server message answers which client message, on one server connection while a client
 * holds it, in the order the messages were sent.
 *
 * <p>Each message sent to the server is {@linkplain #expect expected} (its answers go to the
 * client) or {@linkplain #swallow swallowed} (the front door added it, say a Parse before a Bind
 * on a connection that lacks the statement: its answers are dropped). A client message the front
 * door answers itself is {@linkplain #answer answered} in its place in that order: the synthetic
 * answer goes out right after the answers of everything sent before it, and before those of
 * anything sent after it.
 *
 * <p>Errors follow the server's rules: after an ErrorResponse to an extended-protocol message,
 * the server skips every message up to the next Sync, so everything queued up to that Sync is
 * dropped with its {@code onSkipped} (a synthetic answer included: the server would not have
 * given one), and messages the client sends before its Sync are taken as skipped at once. An
 * error to a simple Query ends at its ReadyForQuery and skips nothing.
 *
 * <p>{@link #idle()} says whether every answer has come: with the last ReadyForQuery's status
 * {@code I}, the server connection may be released. Not thread-safe: used on the client's event
 * loop.
 */
public final class ResponseSequencer {

    /** What to send the client for one server message. */
    public record Step(List<Synthetic> before, boolean forward, List<Synthetic> after) {}

    private record Entry(Expect expect, Synthetic synthetic, boolean swallowed, Runnable onDone, Runnable onSkipped) {}

    private static final Runnable NOTHING = () -> { };
    /** The answers to nearly every server message: as they are, nothing before or after (no allocation). */
    private static final Step FORWARD = new Step(List.of(), true, List.of());
    private static final Step DROP = new Step(List.of(), false, List.of());

    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    private boolean skipping;

    /**
     * A client message goes to the server; its answers go to the client.
     *
     * @param onDone run when its last answer has come (a Parse's success, say)
     * @param onSkipped run if the server skips it, or fails it, after an error
     */
    public void expect(Expect expect, Runnable onDone, Runnable onSkipped) {
        add(new Entry(expect, null, false, onDone, onSkipped));
    }

    /** {@link #expect(Expect, Runnable, Runnable)} with nothing to run. */
    public void expect(Expect expect) {
        expect(expect, NOTHING, NOTHING);
    }

    /** A message the front door added goes to the server; its answers are dropped. */
    public void swallow(Expect expect, Runnable onDone, Runnable onSkipped) {
        add(new Entry(expect, null, true, onDone, onSkipped));
    }

    /**
     * The front door answers a client message itself.
     *
     * @param onSkipped run instead of sending it, if an error before it makes the server skip
     *     the client's messages up to its Sync
     * @return the synthetic answers to send the client now (this one, when nothing sent before
     *     it still waits for an answer)
     */
    public List<Synthetic> answer(Synthetic synthetic, Runnable onSkipped) {
        if (skipping) {
            onSkipped.run();
            return List.of();
        }
        queue.addLast(new Entry(null, synthetic, false, NOTHING, onSkipped));
        return drain();
    }

    /**
     * A server message arrived.
     *
     * @param type its type byte
     * @return what to send the client: synthetic answers due before it, whether to forward it,
     *     synthetic answers due after it
     * @throws IllegalStateException when the server answers what nobody asked
     */
    public Step onServer(char type) {
        if (Expect.asynchronous(type)) {
            return FORWARD;
        }
        List<Synthetic> before = drain();
        Entry head = queue.peekFirst();
        if (head == null) {
            if (type == 'E') {
                return new Step(before, true, List.of());   // a FATAL error with nothing pending
            }
            throw new IllegalStateException("server sent '" + type + "' with nothing pending");
        }
        boolean forward = !head.swallowed;
        if (type == 'E') {
            if (head.expect != Expect.QUERY && head.expect != Expect.SYNC) {
                skipToSync();
            }
            return step(before, true, drain());
        }
        if (head.expect.endsWith(type)) {
            queue.pollFirst();
            head.onDone.run();
        }
        return step(before, forward, drain());
    }

    private static Step step(List<Synthetic> before, boolean forward, List<Synthetic> after) {
        if (before.isEmpty() && after.isEmpty()) {
            return forward ? FORWARD : DROP;
        }
        return new Step(before, forward, after);
    }

    /** Whether every message sent has all its answers: nothing is pending on the server. */
    public boolean idle() {
        return queue.isEmpty() && !skipping;
    }

    private void add(Entry entry) {
        if (skipping) {
            if (entry.expect != Expect.SYNC) {
                entry.onSkipped.run();
                return;
            }
            skipping = false;
        }
        queue.addLast(entry);
    }

    /** After an error: drops everything up to the next Sync, which stays to be answered. */
    private void skipToSync() {
        Entry e;
        while ((e = queue.peekFirst()) != null && e.expect != Expect.SYNC) {
            queue.pollFirst();
            e.onSkipped.run();
        }
        if (queue.isEmpty()) {
            skipping = true;   // the client's Sync is still to come
        }
    }

    /** Takes the synthetic answers now at the head of the queue. */
    private List<Synthetic> drain() {
        List<Synthetic> out = null;
        Entry e;
        while ((e = queue.peekFirst()) != null && e.synthetic != null) {
            queue.pollFirst();
            if (out == null) {
                out = new ArrayList<>(2);
            }
            out.add(e.synthetic);
        }
        return out == null ? List.of() : out;
    }
}
