package dev.gatehouse.postgres.frontdoor;

import dev.gatehouse.postgres.extended.ServerStatements;
import dev.gatehouse.postgres.protocol.BackendKeyData;
import dev.gatehouse.postgres.protocol.ErrorFields;
import dev.gatehouse.postgres.protocol.PgMessage;
import dev.gatehouse.postgres.protocol.PgMessages;
import dev.gatehouse.postgres.protocol.PgReaders;
import dev.gatehouse.postgres.protocol.StartupMessage;
import dev.gatehouse.postgres.protocol.TransactionStatus;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to a PostgreSQL server, in one pool: it logs in as the pool's user (SCRAM, md5
 * or cleartext, whichever the server asks for, with the pool's {@link ServerCredentials}: see
 * {@link ServerAuthentication}), keeps what the server reports (ParameterStatus, its cancel key),
 * and then carries the messages of the client that holds it. Between clients it is idle in its
 * pool, or being reset, or runs an auth_query lookup ({@link AuthLookup}).
 *
 * <p>Runs on the front door's event loop; the one slow step of a login, SCRAM's key derivation,
 * runs on the front door's auth executor and comes back to the loop.
 */
final class ServerConnection extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ServerConnection.class);

    /** How long a closing connection waits for its server to close first (see {@link #closeAfterServer}). */
    static final long SERVER_CLOSE_WAIT_MILLIS = 5_000;

    /** Where the connection stands. */
    enum State { CONNECTING, AUTHENTICATING, CHECKING, READY, RESETTING, CLOSED }

    private final PoolRuntime pool;
    private final long epoch;
    private final ServerSettings settings = new ServerSettings();
    private final ServerStatements statements;
    private final ServerAuthentication authentication;
    private Channel channel;
    private State state = State.CONNECTING;
    private BackendKeyData key;
    private ClientSession session;
    private ErrorFields failure;
    /** Closed to make room for another pool: the budget stopped counting it already. */
    private boolean uncounted;
    /** In its pool's idle list (the budget counts it as idle). */
    private boolean idle;
    private Runnable afterClose = () -> { };
    /** The front door's query of the server's limits, while {@link State#CHECKING}. */
    private LimitsProbe probe;
    /** The front door's auth_query lookup running on the connection (no client holds it then), or null. */
    private AuthLookup lookup;
    /** Closing: waiting for the server to close its side, until this deadline; null otherwise. */
    private ScheduledFuture<?> closeDeadline;

    ServerConnection(PoolRuntime pool, long epoch, int statementCache) {
        this.pool = pool;
        this.epoch = epoch;
        this.statements = new ServerStatements(statementCache);
        this.authentication = new ServerAuthentication(pool, this::fail);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        state = State.AUTHENTICATING;
        Map<String, String> startup = new LinkedHashMap<>();
        startup.put("user", pool.serverUser());
        startup.put("database", pool.serverDatabase());
        ctx.writeAndFlush(PgMessages.startupMessage(ctx.alloc(), StartupMessage.of(startup)));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        PgMessage m = (PgMessage) msg;
        if (closeDeadline != null) {
            m.release();   // closing: whatever the server still sends has no reader
            return;
        }
        if (state == State.READY && session != null) {
            session.fromServer(this, m);   // the session takes the message over
            return;
        }
        try {
            switch (state) {
                case AUTHENTICATING -> startup(ctx, m);
                case CHECKING -> checking(m);
                case READY -> {
                    if (lookup != null) {
                        lookupAnswer(m);
                    } else {
                        whileIdle(m);
                    }
                }
                case RESETTING -> whileResetting(m);
                default -> { }
            }
        } finally {
            m.release();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (session != null) {
            session.serverWritable(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (session != null) {
            session.flushClient();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        State was = state;
        state = State.CLOSED;
        if (closeDeadline != null) {
            closeDeadline.cancel(false);
        }
        if (was == State.AUTHENTICATING || was == State.CONNECTING || was == State.CHECKING) {
            pool.failed(this, failure != null ? failure
                    : ErrorFields.of(ErrorFields.FATAL, "08006", "the server closed the connection during its login"));
        }
        ClientSession s = session;
        session = null;
        AuthLookup l = lookup;
        lookup = null;
        if (l != null) {
            l.lost();
        }
        pool.closed(this, s);
        afterClose.run();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.warn("{} server connection to {} failed: {}", pool.key(), pool.address(), cause.toString());
        if (failure == null) {
            failure = ErrorFields.of(ErrorFields.FATAL, "08006", "the server connection failed: " + cause.getMessage());
        }
        ctx.close();
    }

    // ---- the login

    private void startup(ChannelHandlerContext ctx, PgMessage m) {
        switch (m.type()) {
            case 'R' -> authentication.answer(ctx, PgReaders.readAuthentication(m));
            case 'S' -> settings.report(PgReaders.readParameterStatus(m));
            case 'K' -> key = PgReaders.readBackendKeyData(m);
            case 'E' -> {
                failure = PgReaders.readErrorFields(m);
                ctx.close();
            }
            case 'Z' -> {
                probe = pool.limitsProbe();
                if (probe == null) {
                    state = State.READY;
                    pool.ready(this);
                } else {
                    // Before any client: the budget must fit the server (see LimitsProbe).
                    state = State.CHECKING;
                    ctx.writeAndFlush(PgMessages.query(ctx.alloc(), LimitsProbe.SQL));
                }
            }
            default -> { }   // NoticeResponse, NegotiateProtocolVersion: nothing to do
        }
    }

    private void fail(ChannelHandlerContext ctx, String sqlState, String message) {
        failure = ErrorFields.of(ErrorFields.FATAL, sqlState, message);
        log.warn("{} login to server {} failed: {}", pool.key(), pool.address(), message);
        ctx.close();
    }

    private void checking(PgMessage m) {
        if (m.type() == 'S') {
            settings.report(PgReaders.readParameterStatus(m));
        }
        if (probe.read(m)) {
            LimitsProbe done = probe;
            probe = null;
            state = State.READY;
            pool.limitsRead(done);
            if (state == State.READY && channel.isActive()) {
                pool.ready(this);
            }
        }
    }

    // ---- between clients

    private void whileIdle(PgMessage m) {
        switch (m.type()) {
            case 'S' -> settings.report(PgReaders.readParameterStatus(m));
            case 'N' -> { }
            case 'E' -> {
                log.info("{} server connection {} ended by the server: {}", pool.key(), pool.address(),
                        PgReaders.readErrorFields(m).message());
                channel.close();
            }
            default -> {
                log.warn("{} server {} sent '{}' to an idle connection; closing it", pool.key(), pool.address(), m.type());
                channel.close();
            }
        }
    }

    /**
     * Runs {@code l}'s query (ended by a Sync) on this connection, which no client
     * holds: the answers go to it up to the ReadyForQuery, then the connection goes back to its
     * pool, or is closed when the query left a transaction open.
     */
    void runLookup(AuthLookup l) {
        lookup = l;
        for (ByteBuf message : l.request(channel.alloc())) {
            channel.write(message, channel.voidPromise());
        }
        channel.flush();
    }

    private void lookupAnswer(PgMessage m) {
        if (m.type() == 'S') {
            settings.report(PgReaders.readParameterStatus(m));
        }
        boolean idleAgain = m.type() == 'Z' && PgReaders.readReadyForQuery(m) == TransactionStatus.IDLE;
        if (lookup.read(m)) {
            lookup = null;
            if (idleAgain && channel.isActive()) {
                pool.release(this);
            } else {
                close();
            }
        }
    }

    /** Resets the connection for the next client (DISCARD ALL), then gives it back to its pool. */
    void resetAndRelease() {
        session = null;
        state = State.RESETTING;
        channel.writeAndFlush(PgMessages.query(channel.alloc(), "DISCARD ALL"));
    }

    private void whileResetting(PgMessage m) {
        switch (m.type()) {
            case 'S' -> settings.report(PgReaders.readParameterStatus(m));
            case 'E' -> close();
            case 'Z' -> {
                if (PgReaders.readReadyForQuery(m) == TransactionStatus.IDLE && channel.isActive()) {
                    state = State.READY;
                    statements.clear();   // DISCARD ALL deallocated them
                    pool.release(this);
                } else {
                    close();
                }
            }
            default -> { }
        }
    }

    // ---- for the pool and the session

    /** What the server reported (ParameterStatus) on this connection. */
    ServerSettings settings() {
        return settings;
    }

    /** The server's own cancel key for this connection. */
    BackendKeyData key() {
        return key;
    }

    ServerStatements statements() {
        return statements;
    }

    long epoch() {
        return epoch;
    }

    State state() {
        return state;
    }

    boolean idle() {
        return idle;
    }

    void idle(boolean idle) {
        this.idle = idle;
    }

    boolean uncounted() {
        return uncounted;
    }

    ClientSession session() {
        return session;
    }

    /** Hands the connection to {@code s}; its messages go there from now on. */
    void attach(ClientSession s) {
        session = s;
        readFromServer(true);
    }

    /** Takes the connection from its client. */
    void detach() {
        session = null;
        readFromServer(true);   // a slow client's backpressure does not outlive it
    }

    /**
     * Reads the server's answers, or stops (its client cannot take more now: the answers wait in
     * the server's socket and PostgreSQL waits, instead of in the front door's memory).
     */
    void readFromServer(boolean on) {
        if (channel != null && channel.config().isAutoRead() != on) {
            channel.config().setAutoRead(on);
        }
    }

    /** Writes a message to the server (flushed by {@link #flush}). */
    void write(ByteBuf message) {
        channel.write(message, channel.voidPromise());
    }

    void flush() {
        channel.flush();
    }

    /** Whether it can carry a client now. */
    boolean usable() {
        return state == State.READY && closeDeadline == null && channel.isActive() && pool.current(epoch);
    }

    /**
     * Ends the connection politely (Terminate, then close) and runs {@code then} once it is
     * closed.
     *
     * @param makesRoom the budget no longer counts it: closed to make room for another pool
     */
    void terminate(boolean makesRoom, Runnable then) {
        uncounted = makesRoom;
        afterClose = then;
        session = null;
        if (channel == null || state == State.CLOSED) {
            then.run();
            return;
        }
        if (channel.isActive() && closeDeadline == null) {
            channel.writeAndFlush(PgMessages.terminate(channel.alloc()));
        }
        closeAfterServer(false);
    }

    /**
     * Ends the connection without a Terminate (a broken client, a transaction left open: the end
     * of its input rolls the transaction back), once the server is done with it (see
     * {@link #closeAfterServer}).
     */
    void close() {
        if (channel != null) {
            closeAfterServer(true);
        }
    }

    /**
     * Closes the connection once the server has closed its side, or after
     * {@link #SERVER_CLOSE_WAIT_MILLIS}. PostgreSQL leaves a backend's socket open until the
     * backend has exited, so the budget counts a connection exactly as long as the server's
     * {@code max_connections} counts its backend: a connection opened to make room never meets
     * the one it replaces on the server. A connection of an older epoch (a repoint, a reconnect,
     * a restart) closes at once; its server may be gone and is no longer the budget's.
     *
     * @param endInput also end the server's input (no Terminate was sent)
     */
    private void closeAfterServer(boolean endInput) {
        if (closeDeadline != null || state == State.CLOSED) {
            return;
        }
        if (!channel.isActive() || !pool.current(epoch) || !(channel instanceof DuplexChannel duplex)) {
            channel.close();
            return;
        }
        closeDeadline = channel.eventLoop().schedule(() -> channel.close(), SERVER_CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        readFromServer(true);   // the server's close is seen only by reading
        if (endInput) {
            duplex.shutdownOutput();
        }
    }

    @Override
    public String toString() {
        return "server connection " + (key == null ? "?" : key.pid()) + " of " + pool.key();
    }
}
