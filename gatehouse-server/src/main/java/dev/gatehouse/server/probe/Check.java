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
 * <p>The result is given exactly once, unless the check is aborted first; either way the
 * connection is closed, since checks never reuse connections.
 */
abstract sealed class Check permits HttpCheck, TcpCheck {

    /**
     * What a check needs from its prober: where, how long, the connection template, and the TLS of
     * the backend's pool ({@code null} for plain connections).
     */
    record Target(EventLoop loop, Bootstrap bootstrap, InetSocketAddress remote, String hostHeader,
                  HealthCheckConfig config, HostPort address, BackendTls tls) {

        /** A check of a plain-HTTP backend. */
        Target(EventLoop loop, Bootstrap bootstrap, InetSocketAddress remote, String hostHeader, HealthCheckConfig config) {
            this(loop, bootstrap, remote, hostHeader, config, null, null);
        }
    }

    final Target target;
    private final Consumer<CheckResult> onResult;
    private long startNanos;
    private ScheduledFuture<?> timer;
    private Channel channel;
    private boolean done;

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
        assert target.loop().inEventLoop();
        startNanos = System.nanoTime();
        long timeoutMillis = timeoutMillis();
        timer = target.loop().schedule(() -> finish(CheckResult.timedOut(timeoutMillis)), timeoutMillis,
                TimeUnit.MILLISECONDS);
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

    /** The connection is up; the check goes on from here. */
    abstract void connected(Channel ch);

    /** Gives the result, once; later calls (a late response after the timeout) are ignored. */
    final void finish(CheckResult result) {
        if (done) {
            return;
        }
        done = true;
        cleanUp();
        onResult.accept(result);
    }

    /** Ends the check without a result: the prober stopped, or the backend left the pool. */
    final void abort() {
        assert target.loop().inEventLoop();
        done = true;
        cleanUp();
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

    private void cleanUp() {
        if (timer != null) {
            timer.cancel(false);
        }
        if (channel != null) {
            // Also cancels a connect in progress.
            channel.close();
        }
    }
}
