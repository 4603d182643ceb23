package dev.gatehouse.postgres.frontdoor;

import dev.gatehouse.core.time.Clock;
import dev.gatehouse.server.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import java.security.SecureRandom;
import java.util.concurrent.Executor;

/**
 * What the front door's parts share: its one event loop (every client and server connection of
 * the front door lives on it, as in PgBouncer: no locks, and a budget decision is never raced),
 * the transport, the clock, randomness, the executor for SCRAM's key derivation, and the limits.
 *
 * @param loop the event loop
 * @param transport the channel classes
 * @param clock the monotonic clock of every decision
 * @param random for salts, nonces and cancel keys
 * @param authExecutor where PBKDF2 runs, off the loop
 * @param maxMessageSize the largest message either side may send
 * @param statementCache prepared statements per server connection
 * @param cancelKeys the keys handed to clients
 * @param events where the metrics hear of waits and errors ({@link FrontDoorEvents#NONE} until set)
 */
record FrontDoorContext(EventLoop loop, Transport transport, Clock clock, SecureRandom random, Executor authExecutor,
        int maxMessageSize, int statementCache, CancelKeys cancelKeys,
        java.util.concurrent.atomic.AtomicReference<FrontDoorEvents> events) {

    /** A bootstrap for connections to a server, on the loop. */
    Bootstrap serverBootstrap(int connectTimeoutMillis) {
        return new Bootstrap().group(loop).channel(transport.clientChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .option(ChannelOption.TCP_NODELAY, true);
    }
}
