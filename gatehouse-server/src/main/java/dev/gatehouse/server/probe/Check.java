package dev.gatehouse.server.probe;

import dev.gatehouse.core.config.HealthCheckConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.server.upstream.BackendTls;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One check of one backend: a fresh connection, what the subclass does with it, and one result
 * within the check's timeout. Confined to one event loop: {@link #start()} and {@link #abort()} are
 * called on it, and every callback (connect, handler events, the timer) runs on it, so nothing here
 * needs a lock.
 *
 * <p>The result is given exactly once, unless the check is aborted first. The connection is then
 * closed, except that an HTTP check may hand it back for the next check of the same backend
 * ({@link HttpCheck}, {@link KeptConnection}). A check started on such a kept connection that
 * the backend closes or resets before any of the response arrived is run again, once, on a fresh
 * connection within the same timeout: a keep-alive connection the backend closed as it idled
 * says nothing about the backend's health, while a dead backend still fails the fresh connect.
 */
abstract sealed class Check permits HttpCheck, TcpCheck {

    /**
     * What a check needs from its prober: where, how long, the connection template, the TLS of
     * the backend's pool ({@code null} for plain connections), and where an HTTP check may leave
     * its connection for the next check ({@code null}: nowhere, it is closed).
     */
    record Target(EventLoop loop, Bootstrap bootstrap, InetSocketAddress remote, String hostHeader,
                  HealthCheckConfig config, HostPort address, BackendTls tls, KeptConnection keeper) {

        /** A check of a plain-HTTP backend whose connection is not kept. */
        Target(EventLoop loop, Bootstrap bootstrap, InetSocketAddress remote, String hostHeader, HealthCheckConfig config) {
            this(loop, bootstrap, remote, hostHeader, config, null, null, null);
        }
    }

    final Target target;
    private final Consumer<CheckResult> onResult;
    private long startNanos;
    private ScheduledFuture<?> timer;
    private Channel channel;
    private boolean done;
    /** The check runs on a kept connection and has not fallen back to a fresh one yet. */
    private boolean onKept;

    Check(Target target, Consumer<CheckResult> onResult) {
        this.target = target;
        this.onResult = onResult;
    }

    /** Creates the check the configuration asks for. */
    static Check of(Target target, Consumer<CheckResult> onResult) {
        return switch (target.config().type()) {
            case HTTP -> new HttpCheck(target, onResult);
            case TCP -> new TcpCheck(target, onResult);
        };
    }

    /**
     * Connects and arms the timeout, which covers everything from here to the result. For a pool
     * that speaks TLS to its backends, the connection is made when its handshake succeeded, with
     * the same verification as the proxy's own connections; a failed handshake fails the check and
     * says why.
     */
    final void start() {
        start(null);
    }

    /**
     * Like {@link #start()}, on {@code kept} when it is not null: an open connection a check of the
     * same backend, with the same TLS, handed back ({@link #reuse} says whether this kind of check
     * takes it; when it does not, it is closed).
     */
    final void start(Channel kept) {
        assert target.loop().inEventLoop();
        startNanos = System.nanoTime();
        long timeoutMillis = timeoutMillis();
        timer = target.loop().schedule(() -> finish(CheckResult.timedOut(timeoutMillis)), timeoutMillis,
                TimeUnit.MILLISECONDS);
        if (kept != null) {
            if (kept.isActive() && reuse(kept)) {
                channel = kept;
                onKept = true;
                connected(kept);
                return;
            }
            kept.close();
        }
        connect();
    }

    /**
     * The kept connection failed before any of the response arrived: the check goes on, once, on a
     * fresh connection, within what is left of its timeout. Returns false (and does nothing) when
     * the check was not on a kept connection, or already fell back: the failure is then the result.
     */
    final boolean retryFresh() {
        if (!onKept || done) {
            return false;
        }
        onKept = false;
        Channel stale = channel;
        // The fresh connection is the check's before the stale one closes, so that the stale
        // one's last events are recognised as no longer the check's business (see isCurrent).
        connect();
        stale.close();
        return true;
    }

    /**
     * Whether events of {@code ch} are this check's business: it is the check's connection (or
     * the check has none yet, as when a handler is tried on its own).
     */
    final boolean isCurrent(Channel ch) {
        return channel == null || channel == ch;
    }

    /** Whether the check is on a kept connection (and has not fallen back to a fresh one). */
    final boolean onKept() {
        return onKept;
    }

    private void connect() {
        long timeoutMillis = timeoutMillis();
        BackendTls tls = target.tls();
        if (tls != null && tls.failure() != null) {
            finish(CheckResult.failed("no TLS connection: " + tls.failure()));
            return;
        }
        try {
            ChannelFuture f = target.bootstrap().clone()
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMillis))
                    .handler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            if (tls != null) {
                                ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), target.address(), timeoutMillis));
                            }
                            Check.this.initChannel(ch);
                        }
                    })
                    .connect(target.remote());
            channel = f.channel();
            f.addListener((ChannelFuture connect) -> {
                if (done) {
                    return;
                }
                if (connect.isSuccess() && tls != null) {
                    handshake(connect.channel(), tls);
                } else if (connect.isSuccess()) {
                    connected(connect.channel());
                } else {
                    finish(CheckResult.failed(connect.cause(), timeoutMillis));
                }
            });
        } catch (RuntimeException e) {
            // A bootstrap that cannot even start a connect (e.g. a rejected option) is a failed check.
            finish(CheckResult.failed(e, timeoutMillis));
        }
    }

    private void handshake(Channel ch, BackendTls tls) {
        ch.pipeline().get(SslHandler.class).handshakeFuture().addListener(h -> {
            if (done) {
                return;
            }
            if (h.isSuccess()) {
                connected(ch);
            } else {
                finish(CheckResult.failed(tls.handshakeFailure(target.address(), h.cause()).getMessage()));
            }
        });
    }

    /** Adds what the check needs to a new connection's pipeline. */
    abstract void initChannel(Channel ch);

    /**
     * Prepares a kept connection for this check and says whether it can be used; the default is
     * no (a TCP check's answer is the connect itself).
     */
    boolean reuse(Channel kept) {
        return false;
    }

    /** The connection is up; the check goes on from here. */
    abstract void connected(Channel ch);

    /** Gives the result, once, and closes the connection; later calls (a late response after the timeout) are ignored. */
    final void finish(CheckResult result) {
        finish(result, false);
    }

    /**
     * Gives the result, once; later calls are ignored. With {@code keepOpen} the connection is left
     * open: the caller then either hands it back for the next check or closes it, within the read
     * in progress (never later: nothing else closes it).
     */
    final void finish(CheckResult result, boolean keepOpen) {
        if (done) {
            return;
        }
        done = true;
        cleanUp(keepOpen);
        onResult.accept(result);
    }

    /** Ends the check without a result: the prober stopped, or the backend left the pool. */
    final void abort() {
        assert target.loop().inEventLoop();
        done = true;
        cleanUp(false);
    }

    final boolean done() {
        return done;
    }

    final long elapsedMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    final long timeoutMillis() {
        return target.config().timeout().toMillis();
    }

    private void cleanUp(boolean keepOpen) {
        if (timer != null) {
            timer.cancel(false);
        }
        if (channel != null && !keepOpen) {
            // Also cancels a connect in progress.
            channel.close();
        }
    }
}
