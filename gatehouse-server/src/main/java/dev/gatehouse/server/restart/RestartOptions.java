package dev.gatehouse.server.restart;

import java.util.Objects;

/**
 * What a node needs for hitless restarts.
 *
 * @param inherited the listening sockets received from the process this one replaces
 * @param successor starts the process that replaces this one, or null: restarts are refused
 * @param exit      what this process does once a new one serves: e.g. {@code System.exit(0)} on a
 *                  thread of its own, so that the shutdown hook drains the node; the node has
 *                  stopped accepting by then
 */
public record RestartOptions(InheritedListeners inherited, Successor successor, Runnable exit) {

    /** A node that neither inherits sockets nor can be restarted hitlessly. */
    public static final RestartOptions NONE = new RestartOptions(InheritedListeners.NONE, null, () -> { });

    public RestartOptions {
        Objects.requireNonNull(inherited, "inherited");
        Objects.requireNonNull(exit, "exit");
    }
}
