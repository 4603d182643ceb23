package dev.gatehouse.postgres.frontdoor;

import dev.gatehouse.core.config.DatabasePoolConfig;
import dev.gatehouse.core.config.DatabaseUserConfig;
import dev.gatehouse.postgres.auth.Md5Password;
import dev.gatehouse.postgres.auth.ScramSecret;
import dev.gatehouse.postgres.auth.ScramServer;
import dev.gatehouse.postgres.auth.ScramStep;
import dev.gatehouse.postgres.budget.PoolKey;
import dev.gatehouse.postgres.protocol.CancelRequest;
import dev.gatehouse.postgres.protocol.ErrorFields;
import dev.gatehouse.postgres.protocol.GssEncRequest;
import dev.gatehouse.postgres.protocol.NegotiateProtocolVersion;
import dev.gatehouse.postgres.protocol.PgMessage;
import dev.gatehouse.postgres.protocol.PgMessages;
import dev.gatehouse.postgres.protocol.PgProtocolException;
import dev.gatehouse.postgres.protocol.PgReaders;
import dev.gatehouse.postgres.protocol.SaslInitialResponse;
import dev.gatehouse.postgres.protocol.SslRequest;
import dev.gatehouse.postgres.protocol.StartupMessage;
import dev.gatehouse.postgres.session.TrackedParameters;
import dev.gatehouse.server.tls.CertificateSet;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's login: an SSLRequest answered {@code S} and TLS started when the listener has TLS,
 * else {@code N}; a GSSENCRequest answered {@code N}; a CancelRequest passed on, and a StartupMessage checked (its database, its user, its parameters)
 * and authenticated as the user's config says (SCRAM-SHA-256, md5 or trust). An unknown user gets
 * the same SCRAM exchange as a known one and fails at its end, as in PostgreSQL, so that a
 * client cannot tell which users exist. A user the config does not list is looked up on the server
 * when {@code databases.auth_query} is set ({@link AuthQuery}): found, it is checked against the
 * stored secret the query returned and its pool logs in to the server with what the login leaves
 * ({@link ServerCredentials}); not found, it fails as an unknown user does. On success the login
 * gives way to a {@link ClientSession}.
 * The whole login is bounded by {@code limits.startup_timeout}.
 */
final class ClientLogin extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ClientLogin.class);

    /** Startup parameters the front door takes, beyond the tracked ones; any other is refused. */
    private static final Set<String> ACCEPTED = Set.of("user", "database", "extra_float_digits");

    private enum Step { STARTUP, LOOKUP, MD5, SCRAM_FIRST, SCRAM_FINAL, DONE }

    private final PostgresFrontDoor door;
    private final CertificateSet tls;
    private boolean encrypted;
    private Step step = Step.STARTUP;
    private StartupMessage startup;
    private Users.User user;
    private DatabasePoolConfig poolConfig;
    private byte[] salt;
    /** What an md5 client is checked against: the configured password or hash, or the one auth_query found. */
    private String md5Stored;
    private ScramServer scram;
    /** The user was found by auth_query: the server is logged in to with what this login leaves (pass-through). */
    private boolean passThrough;
    private ScheduledFuture<?> timeout;

    /**
     * @param tls the listener's certificates, or null: TLS is not offered
     */
    ClientLogin(PostgresFrontDoor door, CertificateSet tls) {
        this.door = door;
        this.tls = tls;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        long millis = door.limits().startupTimeout().toMillis();
        timeout = ctx.executor().schedule(() -> {
            if (step == Step.LOOKUP) {
                fatal(ctx, "28000", "databases.auth_query could not look up user \"" + startup.user() + "\": no answer"
                        + " within the login's " + millis + " ms (limits.startup_timeout)");
            } else {
                fatal(ctx, "08P01", "the login took longer than " + millis + " ms");
            }
        }, millis, TimeUnit.MILLISECONDS);
        ctx.read();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timeout != null) {
            timeout.cancel(false);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            switch (msg) {
                case SslRequest r -> sslRequest(ctx);
                case GssEncRequest r -> answerNo(ctx);
                case CancelRequest c -> {
                    door.cancel(c);
                    ctx.close();
                }
                case StartupMessage s -> startup(ctx, s);
                case PgMessage m when m.type() == 'p' && step != Step.STARTUP && step != Step.DONE -> password(ctx, m);
                case PgMessage m when m.type() == 'X' -> ctx.close();
                default -> fatal(ctx, "08P01", "unexpected message during the login");
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (step != Step.DONE) {
            ctx.read();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof PgProtocolException e) {
            fatal(ctx, e.sqlState(), e.getMessage());
        } else {
            ctx.close();
        }
    }

    /**
     * TLS when the listener has it: 'S' goes out in the clear, then the TLS handler goes in front
     * of the decoder before anything else is read (the decoder refused bytes that came with the
     * SSLRequest: they would have been read in the clear).
     */
    private void sslRequest(ChannelHandlerContext ctx) {
        if (tls == null || encrypted) {
            answerNo(ctx);
            return;
        }
        encrypted = true;
        ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'S'}));
        ctx.pipeline().addFirst("tls", new SniHandler((Mapping<String, SslContext>) name -> tls.select(name).context()));
    }

    private static void answerNo(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'N'}));
    }

    private void startup(ChannelHandlerContext ctx, StartupMessage s) {
        if (step != Step.STARTUP) {
            fatal(ctx, "08P01", "a second startup message");
            return;
        }
        startup = s;
        List<String> unknownOptions = new ArrayList<>(s.protocolOptions().keySet());
        if (s.minorVersion() > 0 || !unknownOptions.isEmpty()) {
            ctx.write(PgMessages.negotiateProtocolVersion(ctx.alloc(), new NegotiateProtocolVersion(0, unknownOptions)));
        }
        for (String name : s.parameters().keySet()) {
            if (!ACCEPTED.contains(name) && !TrackedParameters.tracked(name)
                    && !name.startsWith(StartupMessage.PROTOCOL_OPTION_PREFIX)) {
                fatal(ctx, "08P01", "unsupported startup parameter: " + name);
                return;
            }
        }
        poolConfig = door.poolFor(s.database());
        if (poolConfig == null) {
            fatal(ctx, "3D000", "database \"" + s.database() + "\" does not exist");
            return;
        }
        user = door.users().find(s.user());
        if (user == null && door.authQuery() != null && AuthQuery.mayLookUp(s.user())) {
            // The client waits for an authentication request; it is sent once the lookup answers.
            step = Step.LOOKUP;
            door.authQuery().lookup(s.database(), poolConfig, s.user(), result -> lookedUp(ctx, result));
            return;
        }
        DatabaseUserConfig.Auth auth = user == null ? DatabaseUserConfig.Auth.SCRAM_SHA_256 : user.config().auth();
        switch (auth) {
            case TRUST -> loggedIn(ctx);
            case MD5 -> askMd5(ctx, user.config().password());
            case SCRAM_SHA_256 -> askScram(ctx, user == null ? null : user.scram());
        }
    }

    /** What auth_query found for the user. */
    private void lookedUp(ChannelHandlerContext ctx, AuthLookup.Result result) {
        if (step != Step.LOOKUP || !ctx.channel().isActive()) {
            return;   // the client left, or its login timed out, meanwhile
        }
        switch (result) {
            case AuthLookup.Result.NotFound n -> askScram(ctx, null);   // fails like a wrong password
            // The reason (a server's error text, the auth user's name) is in the log, not told to
            // a client that has not authenticated.
            case AuthLookup.Result.Failed f -> fatal(ctx, "28000", "databases.auth_query could not look up user \""
                    + startup.user() + "\" (the reason is in the front door's log)");
            case AuthLookup.Result.Found f when Md5Password.isHash(f.stored()) -> {
                passThrough = true;
                askMd5(ctx, f.stored());
            }
            case AuthLookup.Result.Found f when ScramSecret.isScramSecret(f.stored()) -> {
                passThrough = true;
                askScram(ctx, ScramSecret.parse(f.stored()));
            }
            case AuthLookup.Result.Found f -> {
                // Told to the operator only: the client fails as with a wrong password, so that it
                // cannot tell this user exists.
                log.warn("databases.auth_query returned a password for user \"{}\" that is neither a SCRAM-SHA-256"
                        + " secret nor an md5 hash (a plaintext password?): the front door checks clients and logs in"
                        + " to the server only with a stored secret; the login is refused", startup.user());
                askScram(ctx, null);
            }
        }
    }

    private void askMd5(ChannelHandlerContext ctx, String stored) {
        step = Step.MD5;
        md5Stored = stored;
        salt = Md5Password.newSalt(door.context().random());
        ctx.writeAndFlush(PgMessages.authenticationMd5Password(ctx.alloc(), salt));
    }

    /** A SCRAM exchange against {@code secret}, or the mock one (it fails at its end) when null. */
    private void askScram(ChannelHandlerContext ctx, ScramSecret secret) {
        step = Step.SCRAM_FIRST;
        scram = secret == null ? ScramServer.mock(startup.user(), door.users().mockKey(), door.context().random())
                : ScramServer.create(secret, door.context().random());
        ctx.writeAndFlush(PgMessages.authenticationSasl(ctx.alloc(), List.of("SCRAM-SHA-256")));
    }

    private void password(ChannelHandlerContext ctx, PgMessage m) {
        switch (step) {
            case MD5 -> {
                byte[] response = PgReaders.readPassword(m).getBytes(StandardCharsets.UTF_8);
                if (Md5Password.verify(md5Stored, startup.user(), salt, response)) {
                    loggedIn(ctx);
                } else {
                    refused(ctx);
                }
            }
            case SCRAM_FIRST -> {
                SaslInitialResponse r = PgReaders.readSaslInitialResponse(m);
                if (!"SCRAM-SHA-256".equals(r.mechanism())) {
                    fatal(ctx, "28000", "SASL mechanism " + r.mechanism() + " (expected: SCRAM-SHA-256)");
                    return;
                }
                if (scram.receiveClientFirst(r.data()) instanceof ScramStep.Continue c) {
                    step = Step.SCRAM_FINAL;
                    ctx.writeAndFlush(PgMessages.authenticationSaslContinue(ctx.alloc(), c.bytes()));
                } else {
                    refused(ctx);
                }
            }
            case SCRAM_FINAL -> {
                if (scram.receiveClientFinal(PgReaders.readSaslResponse(m)) instanceof ScramStep.Complete c) {
                    ctx.write(PgMessages.authenticationSaslFinal(ctx.alloc(), c.bytes()));
                    loggedIn(ctx);
                } else {
                    refused(ctx);
                }
            }
            default -> fatal(ctx, "08P01", "unexpected password message");
        }
    }

    private void loggedIn(ChannelHandlerContext ctx) {
        step = Step.DONE;
        timeout.cancel(false);
        ctx.write(PgMessages.authenticationOk(ctx.alloc()));
        PoolKey key = new PoolKey(startup.database(), startup.user());
        PoolRuntime pool;
        if (passThrough) {
            pool = door.pool(key, poolConfig, ServerCredentials.passThrough(startup.user()));
            if (scram != null) {
                pool.credentials().learnScram(scram.passThroughKeys());
            } else {
                pool.credentials().learnMd5(md5Stored);
            }
        } else {
            pool = door.pool(key, poolConfig, ServerCredentials.configured(startup.user(), user.config().serverPassword()));
        }
        Map<String, String> parameters = startup.parameters();
        ctx.channel().config().setAutoRead(true);
        ctx.pipeline().replace(this, "session", new ClientSession(door.context(), pool, parameters));
    }

    private void refused(ChannelHandlerContext ctx) {
        fatal(ctx, "28P01", "password authentication failed for user \"" + startup.user() + "\"");
    }

    private void fatal(ChannelHandlerContext ctx, String sqlState, String message) {
        step = Step.DONE;
        if (ctx.channel().isActive()) {
            ctx.writeAndFlush(PgMessages.errorResponse(ctx.alloc(), ErrorFields.of(ErrorFields.FATAL, sqlState, message)))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }
}
