package dev.gatehouse.server.restart;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hitless restart, in the process being replaced. On {@link #request}: the node is held (no
 * runtime change or deploy starts, so the state file the new process reads stays the truth), the
 * {@link Successor} is started with the handoff socket in its environment, and this process waits
 * for its answer. {@code ready}: the listening sockets are closed here (the new process holds the
 * same sockets, so no queued connection is lost) and {@code handedOver} runs: it drains and exits.
 * Anything else (an answer {@code failed}, an exit, no answer within the timeout): the new process
 * is killed if still alive, the hold is lifted, and this one keeps serving as before.
 */
public final class NodeRestart {

    private static final Logger LOG = LoggerFactory.getLogger(NodeRestart.class);

    /**
     * A listening socket to hand over.
     *
     * @param role    its role ({@link InheritedListeners#listenerRole}, {@link InheritedListeners#ADMIN})
     * @param channel the epoll server channel
     */
    public record Listening(String role, Channel channel) {
    }

    /** Holds the node still for a restart. */
    public interface Hold {
        /** Holds it; returns why it cannot be held now (a deploy runs), or null when held. */
        String hold();

        /** Lifts the hold: the restart failed and this process goes on. */
        void release();
    }

    private final Successor successor;
    private final EventLoopGroup group;
    private final boolean epoll;
    private final Supplier<List<Listening>> listeners;
    private final Hold hold;
    private final Runnable handedOver;
    private final Duration timeout;
    private CompletableFuture<RestartOutcome> running;

    /**
     * @param successor  starts the new process, or null when this node cannot start one (it was
     *                   not started by the {@code gatehouse} command): requests are refused
     * @param group      the node's event loops
     * @param epoll      whether they are epoll's (file descriptors can only be passed then)
     * @param listeners  the listening sockets now
     * @param hold       holds and releases the node's changes
     * @param handedOver runs once the new process serves and this one stopped accepting: drain and exit
     * @param timeout    how long the new process may take to start and answer
     */
    public NodeRestart(Successor successor, EventLoopGroup group, boolean epoll, Supplier<List<Listening>> listeners,
                       Hold hold, Runnable handedOver, Duration timeout) {
        this.successor = successor;
        this.group = Objects.requireNonNull(group, "group");
        this.epoll = epoll;
        this.listeners = Objects.requireNonNull(listeners, "listeners");
        this.hold = Objects.requireNonNull(hold, "hold");
        this.handedOver = Objects.requireNonNull(handedOver, "handedOver");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * Starts a restart on a thread of its own, or joins the one under way.
     *
     * @param who for the log: {@code SIGUSR2}, or the admin API's caller
     * @return completes when the new process serves, or the restart was refused or failed
     */
    public synchronized CompletableFuture<RestartOutcome> request(String who) {
        if (running != null && !running.isDone()) {
            LOG.info("restart requested by {}: one is already under way", who);
            return running;
        }
        if (successor == null) {
            return refused(who, "this node was not started by the gatehouse command, so it cannot start its successor");
        }
        if (!epoll) {
            return refused(who, "a hitless restart passes the listening sockets to the new process, which needs the"
                    + " epoll transport (this node runs on another, chosen with -Dgatehouse.transport)");
        }
        String busy = hold.hold();
        if (busy != null) {
            return refused(who, busy);
        }
        CompletableFuture<RestartOutcome> outcome = new CompletableFuture<>();
        running = outcome;
        Thread.ofPlatform().name("gatehouse-restart").daemon().start(() -> {
            RestartOutcome o;
            try {
                o = run(who);
            } catch (RuntimeException e) {
                LOG.error("restart failed: {}", e.toString(), e);
                o = RestartOutcome.failed(e.toString());
            }
            if (o.result() != RestartOutcome.Result.RESTARTED) {
                hold.release();
            }
            outcome.complete(o);
            if (o.result() == RestartOutcome.Result.RESTARTED) {
                handedOver.run();
            }
        });
        return outcome;
    }

    private static CompletableFuture<RestartOutcome> refused(String who, String why) {
        LOG.warn("restart requested by {} refused: {}", who, why);
        return CompletableFuture.completedFuture(RestartOutcome.refused(why));
    }

    private RestartOutcome run(String who) {
        List<Listening> now = listeners.get();
        List<Channel> channels = new ArrayList<>();
        List<String> roles = new ArrayList<>();
        for (Listening l : now) {
            channels.add(l.channel());
            roles.add(l.role());
        }
        CompletableFuture<Long> childPid = new CompletableFuture<>();
        try (HandoffServer handoff = HandoffServer.open(group, channels, childPid)) {
            Map<String, String> env = new HashMap<>();
            env.put(Takeover.SOCKET_ENV, handoff.socket().toString());
            env.put(Takeover.ROLES_ENV, String.join(",", roles));
            Process child;
            try {
                child = successor.start(env);
            } catch (IOException e) {
                return logged(RestartOutcome.failed("the new process cannot be started: " + e.getMessage()));
            }
            LOG.info("restart requested by {}: new process {} started; handing over {} listening sockets", who,
                    child.pid(), channels.size());
            childPid.complete(child.pid());
            CompletableFuture<String> answer = handoff.answer();
            CompletableFuture<Object> first = CompletableFuture.anyOf(answer, child.onExit());
            String line;
            try {
                Object got = first.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                line = got instanceof String s ? s : answer.getNow(null);
            } catch (java.util.concurrent.TimeoutException e) {
                line = null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                line = null;
            } catch (java.util.concurrent.ExecutionException e) {
                line = "failed " + e.getCause();
            }
            if (line != null && line.startsWith("ready")) {
                for (Channel ch : channels) {
                    // Only this process's descriptor: the socket stays open in the new process.
                    ch.close().syncUninterruptibly();
                }
                LOG.info("restart: new process {} serves; this process ({}) stopped accepting and drains",
                        child.pid(), ProcessHandle.current().pid());
                return new RestartOutcome(RestartOutcome.Result.RESTARTED, child.pid(),
                        "new process " + child.pid() + " serves");
            }
            String why;
            if (line != null && line.startsWith("failed")) {
                why = line.substring("failed".length()).strip();
            } else if (!child.isAlive()) {
                why = "it exited with code " + child.exitValue() + " before it served (its log says why)";
            } else {
                why = "it did not serve within " + timeout.toSeconds() + " s";
            }
            if (child.isAlive()) {
                child.destroyForcibly();
            }
            return logged(RestartOutcome.failed("new process " + child.pid() + " did not take over: " + why
                    + "; this process keeps serving"));
        } catch (IOException e) {
            return logged(RestartOutcome.failed(e.getMessage()));
        }
    }

    private static RestartOutcome logged(RestartOutcome o) {
        LOG.warn("restart failed: {}", o.detail());
        return o;
    }
}
