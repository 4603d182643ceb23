package dev.gatehouse.postgres.frontdoor;

import dev.gatehouse.core.config.DatabasePoolConfig;
import dev.gatehouse.postgres.extended.Expect;
import dev.gatehouse.postgres.extended.ResponseSequencer;
import dev.gatehouse.postgres.extended.Synthetic;
import dev.gatehouse.postgres.protocol.BackendKeyData;
import dev.gatehouse.postgres.protocol.ErrorFields;
import dev.gatehouse.postgres.protocol.ParameterStatus;
import dev.gatehouse.postgres.protocol.PgMessage;
import dev.gatehouse.postgres.protocol.PgMessages;
import dev.gatehouse.postgres.protocol.PgProtocolException;
import dev.gatehouse.postgres.protocol.PgReaders;
import dev.gatehouse.postgres.protocol.PgRewrites;
import dev.gatehouse.postgres.protocol.TransactionStatus;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A logged-in client: it gets a server connection from its pool when it needs one (at login in
 * session mode; for each transaction in transaction mode), and the messages go both ways.
 *
 * <p>In transaction mode each client message is routed by {@link TransactionRouter} (prepared
 * statements renamed, session state watched, answers sequenced), and the connection goes back to
 * the pool at a ReadyForQuery with status idle when nothing is pending and nothing pins it. While
 * the client waits for a connection its channel is not read: the messages of that read wait in a
 * short queue and the rest stays in the socket. While its server is pausing or paused the client
 * waits the same way, held by the server's hold until the resume ({@link ServerHold}). Before the
 * client's first message on a connection,
 * the settings it expects are set there ({@link TrackedParameters}).
 *
 * <p>When the client leaves, an idle clean connection goes back to the pool; one with session
 * state (session mode, or a pinned client) is reset with {@code DISCARD ALL} first; one inside a
 * transaction or with answers pending is closed, which rolls the transaction back and releases
 * every lock. Runs on the front door's event loop.
 */
final class ClientSession extends ChannelInboundHandlerAdapter implements PoolWaiter {

    private static final Logger log = LoggerFactory.getLogger(ClientSession.class);

    private final FrontDoorContext context;
    private final PoolRuntime pool;
    private final boolean transactionMode;
    private final ClientSettings settings;
    private final ArrayDeque<PgMessage> pending = new ArrayDeque<>();
    private final TransactionRouter router;
    private ChannelHandlerContext ctx;
    private ServerConnection server;
    private BackendKeyData issuedKey;
    private TransactionStatus status = TransactionStatus.IDLE;
    private boolean greeted;
    private boolean waiting;
    private boolean closed;
    /** Session mode: what the server connection still owes (null in transaction mode). */
    private final SessionModeAnswers answers;
    /** Why the server connection this client holds is being closed by the front door, when it is. */
    private String lostReason;
    /** When the client began to wait for a connection (for the queue wait's metric). */
    private long waitStarted;

    ClientSession(FrontDoorContext context, PoolRuntime pool, Map<String, String> startup) {
        this.context = context;
        this.pool = pool;
        this.transactionMode = pool.config().mode() == DatabasePoolConfig.Mode.TRANSACTION;
        this.settings = new ClientSettings(pool, startup);
        this.router = transactionMode ? new TransactionRouter(this,
                pool.config().sessionState() == DatabasePoolConfig.SessionState.REJECT) : null;
        this.answers = transactionMode ? null : new SessionModeAnswers();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        issuedKey = context.cancelKeys().issue(this);
        pool.joined(this);
        if (transactionMode && pool.baseline() != null) {
            greet();
        } else {
            // Session mode holds a connection from the start; a first client of a pool needs one
            // to learn what to greet with.
            acquire();
        }
    }

    // ---- from the client

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        PgMessage m = (PgMessage) msg;
        if (m.type() == 'X') {
            m.release();
            leave();
            ctx.close();
        } else if (closed) {
            m.release();
        } else if (server == null) {
            pending.add(m);
            if (!waiting) {
                acquire();
            }
        } else {
            forward(m);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (server != null) {
            server.flush();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        leave();
    }

    /** Backpressure, server to client: the server's answers are read only while the client takes them. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (server != null) {
            server.readFromServer(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** Backpressure, client to server: the client is read only while its server connection takes more. */
    void serverWritable(boolean writable) {
        if (!waiting && !closed) {
            ctx.channel().config().setAutoRead(writable);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof PgProtocolException e) {
            fatal(e.sqlState(), e.getMessage());
        } else {
            log.warn("{} client {} failed", pool.key(), ctx.channel().remoteAddress(), cause);
            leave();
            ctx.close();
        }
    }

    private void acquire() {
        waiting = true;
        waitStarted = context.clock().nanoTime();
        pool.acquire(this);
        if (server == null && !closed) {
            // It waits: the socket is not read meanwhile. Only then: turning reads off and on
            // again costs two epoll_ctl calls, once per transaction when a connection is free.
            ctx.channel().config().setAutoRead(false);
        }
    }

    private void forward(PgMessage m) {
        if (router != null) {
            router.route(m, server);
        } else {
            answers.sent(m.type());
            server.write(m.frame());
        }
    }

    // ---- from the pool

    /** A connection for this client: use it (or give it back when the client is gone). */
    public void attach(ServerConnection c) {
        if (closed) {
            pool.release(c);
            return;
        }
        waiting = false;
        server = c;
        c.attach(this);
        context.events().get().waited(pool.serverName(), pool.key(), context.clock().nanoTime() - waitStarted);
        if (!greeted) {
            greet();
        }
        String sync = settings.syncSql(c);
        if (!sync.isEmpty()) {
            if (router != null) {
                router.sequencer().swallow(Expect.QUERY, () -> { }, () -> { });
            } else {
                answers.sentOwn();
            }
            c.write(PgMessages.query(ctx.alloc(), sync));
        }
        PgMessage m;
        while ((m = pending.poll()) != null) {
            forward(m);
        }
        c.flush();
        ctx.channel().config().setAutoRead(true);
        maybeRelease();
    }

    /** No connection could be had in time. */
    public void waitTimedOut(String serverName) {
        waiting = false;   // the budget took it out of the queue
        fatal("53300", "no connection to server " + serverName + " was free within "
                + pool.config().waitTimeout().toSeconds() + " s (wait_timeout)");
    }

    /** The budget refused to queue this client. */
    public void refuse(String sqlState, String reason) {
        waiting = false;
        fatal(sqlState, reason);
    }

    /** The connection opened for this client failed. */
    public void serverFailed(ErrorFields reason) {
        waiting = false;
        fatal(reason.sqlState(), reason.message());
    }

    /** The connection this client held closed under it. */
    void serverLost(ServerConnection c) {
        if (server == c) {
            server = null;
            if (!closed && lostReason != null) {
                fatal("57P01", lostReason);
            } else if (!closed) {
                fatal("08006", "the connection to server " + pool.address() + " was lost");
            }
        }
    }

    /** Its transaction is cancelled: its server is pausing and the pause's deadline passed. */
    void cancelledByPause() {
        lostReason = "terminating connection: server " + pool.serverName() + " is pausing and this transaction"
                + " was still in flight at databases.limits.pause_timeout";
    }

    /** An administrator killed the pool or the server: the client is closed now. */
    void killed() {
        fatal("57P01", "terminating connection: an administrator closed the connections of pool " + pool.key()
                + " (gatehouse db kill)");
    }

    // ---- from the server

    /** A message from the connection this client holds; this session takes it over. */
    void fromServer(ServerConnection c, PgMessage m) {
        char type = m.type();
        try {
            if (type == 'S') {
                ParameterStatus p = PgReaders.readParameterStatus(m);
                c.settings().report(p);
                settings.serverReported(p.name(), p.value());
            } else if (type == 'Z') {
                status = PgReaders.readReadyForQuery(m);
            } else if (type == 'E') {
                context.events().get().errorSent(pool.serverName(), pool.key(), true, PgReaders.readErrorFields(m).sqlState());
            }
        } catch (PgProtocolException e) {
            // A malformed message from the server: it is not to be trusted with this client or another.
            m.release();
            log.warn("{} {} sent a malformed message: {}", pool.key(), c, e.getMessage());
            c.close();
            fatal("08P01", "the server connection sent a malformed message");
            return;
        }
        if (router == null) {
            if (!answers.forward(type)) {
                m.release();
                return;
            }
            ctx.write(m.frame(), ctx.voidPromise());
            if (!ctx.channel().isWritable()) {
                c.readFromServer(false);
            }
            return;
        }
        ResponseSequencer.Step step;
        try {
            step = router.sequencer().onServer(type);
        } catch (IllegalStateException e) {
            m.release();
            log.warn("{} {} answered what no message asked: {}", pool.key(), c, e.getMessage());
            c.close();   // out of step with its client: never handed to another one
            fatal("08P01", "the server connection sent an answer out of order");
            return;
        }
        writeSynthetic(step.before());
        if (step.forward()) {
            ctx.write(m.frame(), ctx.voidPromise());
        } else {
            m.release();
        }
        writeSynthetic(step.after());
        if (!ctx.channel().isWritable()) {
            c.readFromServer(false);   // channelWritabilityChanged turns it back on
        }
        if (type == 'Z') {
            maybeRelease();
        }
    }

    void flushClient() {
        ctx.flush();
    }

    /** Answers the front door gives in the server's place. */
    void writeSynthetic(List<Synthetic> synthetic) {
        for (Synthetic s : synthetic) {
            ctx.write(s == Synthetic.PARSE_COMPLETE ? PgRewrites.parseComplete(ctx.alloc())
                    : PgRewrites.closeComplete(ctx.alloc()), ctx.voidPromise());
        }
    }

    /** Transaction mode: gives the connection back when nothing needs it. */
    private void maybeRelease() {
        if (router != null && server != null && status == TransactionStatus.IDLE && pending.isEmpty()
                && router.sequencer().idle() && !router.pinned()) {
            ServerConnection c = server;
            server = null;
            c.detach();
            ctx.flush();   // the server connection's read-complete will not flush for this client any more
            ctx.channel().config().setAutoRead(true);   // no backpressure from a connection it no longer holds
            pool.release(c);
        }
    }

    // ---- the end

    /** The client is gone (Terminate, closed, or failed): its connection is given back or closed. */
    private void leave() {
        if (closed) {
            return;
        }
        closed = true;
        context.cancelKeys().forget(issuedKey);
        pool.left(this);
        PgMessage m;
        while ((m = pending.poll()) != null) {
            m.release();
        }
        if (waiting) {
            pool.cancelWait(this);
            waiting = false;
        }
        ServerConnection c = server;
        server = null;
        if (c == null) {
            return;
        }
        c.detach();
        boolean quiet = status == TransactionStatus.IDLE && (router == null
                ? answers.quiet() : router.sequencer().idle());
        if (!quiet) {
            c.close();   // inside a transaction, or answers pending: closing rolls it back
        } else if (router == null || router.pinned()) {
            c.resetAndRelease();
        } else {
            pool.release(c);
        }
    }

    /** Sends a FATAL error and closes the client. */
    void fatal(String sqlState, String message) {
        if (!ctx.channel().isActive()) {
            leave();
            return;
        }
        ErrorFields fields = ErrorFields.of(ErrorFields.FATAL, sqlState, message);
        context.events().get().errorSent(pool.serverName(), pool.key(), false, sqlState);
        leave();
        ctx.writeAndFlush(PgMessages.errorResponse(ctx.alloc(), fields)).addListener(ChannelFutureListener.CLOSE);
    }

    /** The greeting after AuthenticationOk: the settings, the cancel key, ReadyForQuery. */
    private void greet() {
        greeted = true;
        byte[] greeting = settings.greeting();
        ctx.write(ctx.alloc().directBuffer(greeting.length).writeBytes(greeting), ctx.voidPromise());
        ctx.write(PgMessages.backendKeyData(ctx.alloc(), issuedKey), ctx.voidPromise());
        ctx.writeAndFlush(PgMessages.readyForQuery(ctx.alloc(), TransactionStatus.IDLE), ctx.voidPromise());
    }

    /** Whether the client is gone (its connection closed or refused). */
    public boolean left() {
        return closed;
    }

    /** The connection this client holds now, for a CancelRequest. */
    ServerConnection server() {
        return server;
    }

    /** Why the client is pinned to its connection now; empty when it is not (or in session mode). */
    java.util.Set<dev.gatehouse.postgres.session.PinReason> pinReasons() {
        return router == null ? java.util.Set.of() : router.pinReasons();
    }

    /** Whether the client waits for a connection (queued or held). */
    boolean waiting() {
        return waiting;
    }

    public PoolRuntime pool() {
        return pool;
    }

    ChannelHandlerContext ctx() {
        return ctx;
    }
}
