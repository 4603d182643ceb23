package dev.gatehouse.bench.deploy;

import java.util.ArrayList;
import java.util.List;

/**
 * The change from v1 to v2 that a configuration of the scenario makes while the load runs: a
 * Gatehouse deploy through the admin API ({@link ApiDeploySwitch}) or a naive config rewrite and
 * reload of nginx or HAProxy ({@link CommandSwitch}). Each records what it did, with wall-clock
 * times, as {@link Event}s; the first is always {@link #COMMAND_START}, taken just before the
 * command's first effect (the request sent, the process started): the time the report measures
 * from.
 */
abstract sealed class VersionSwitch permits ApiDeploySwitch, CommandSwitch {

    /** The command is issued. */
    static final String COMMAND_START = "command-start";
    /** The command has ended: the reload command exited, or the deploy was seen done or aborted. */
    static final String COMMAND_END = "command-end";

    /** One thing the switch did or saw. {@code micros} is epoch microseconds. */
    record Event(long micros, String event, String detail) {
    }

    private final List<Event> events = new ArrayList<>();

    /** Runs the switch to its end, on the caller's thread; never throws for a failed switch. */
    abstract void run() throws InterruptedException;

    /** Records an event at the current time. */
    final synchronized void record(String event, String detail) {
        events.add(new Event(WallClock.micros(), event, detail == null ? "" : detail));
    }

    /** Records an event at {@code micros}. */
    final synchronized void record(long micros, String event, String detail) {
        events.add(new Event(micros, event, detail == null ? "" : detail));
    }

    /** A copy of the events so far, in order. */
    final synchronized List<Event> events() {
        return List.copyOf(events);
    }
}
