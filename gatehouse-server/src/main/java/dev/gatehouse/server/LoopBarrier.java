package dev.gatehouse.server;

import io.netty.channel.EventLoopGroup;
import java.util.concurrent.TimeUnit;

/**
 * The control plane's wait for the node's event loops: once a change has returned, every loop has
 * finished what it was doing when the new snapshot was published, so no request picks a backend by
 * the old state. A change must therefore never run on one of these loops: it would wait for itself.
 */
final class LoopBarrier {

    private final EventLoopGroup group;

    LoopBarrier(EventLoopGroup group) {
        this.group = group;
    }

    /** A change on an event loop would wait for itself at the barrier: refused before it changes anything. */
    void refuseOnEventLoop() {
        for (var loop : group) {
            if (loop.inEventLoop()) {
                throw new IllegalStateException("the control plane must not run on an event loop");
            }
        }
    }

    /** Returns once every event loop has run a task queued now: whatever they were doing is done. */
    void await() {
        for (var loop : group) {
            if (loop.inEventLoop()) {
                throw new IllegalStateException("the control plane must not run on an event loop");
            }
            try {
                loop.submit(() -> { }).await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
