package dev.gatehouse.postgres.frontdoor;

import dev.gatehouse.postgres.auth.ScramClient;
import dev.gatehouse.postgres.auth.ScramStep;
import dev.gatehouse.postgres.protocol.AuthenticationRequest;
import dev.gatehouse.postgres.protocol.PgMessages;
import io.netty.channel.ChannelHandlerContext;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * The front door's side of one server connection's login: it answers the server's authentication
 * requests (SCRAM-SHA-256, md5 or cleartext, whichever the server asks for) with its pool's
 * {@link ServerCredentials}: a configured password, or an auth_query user's pass-through hash or
 * keys. A request it cannot answer ends the login through the connection's failure callback, with
 * the reason. Runs on the front door's event loop, except SCRAM's key derivation (the auth
 * executor).
 */
final class ServerAuthentication {

    /** How the connection ends its login with an error. */
    @FunctionalInterface
    interface Failure {
        void fail(ChannelHandlerContext ctx, String sqlState, String message);
    }

    private final PoolRuntime pool;
    private final Failure failure;
    private ScramClient scram;

    ServerAuthentication(PoolRuntime pool, Failure failure) {
        this.pool = pool;
        this.failure = failure;
    }

    /** Answers one authentication request of the server (AuthenticationOk needs nothing). */
    void answer(ChannelHandlerContext ctx, AuthenticationRequest request) {
        ServerCredentials credentials = pool.credentials();
        switch (request.code()) {
            case AuthenticationRequest.OK -> { }
            case AuthenticationRequest.CLEARTEXT_PASSWORD -> send(ctx, credentials.cleartext(), "a cleartext password");
            case AuthenticationRequest.MD5_PASSWORD -> send(ctx, credentials.md5Response(request.md5Salt()), "md5");
            case AuthenticationRequest.SASL -> {
                if (!request.saslMechanisms().contains("SCRAM-SHA-256")) {
                    failure.fail(ctx, "28000", "the server offers SASL mechanisms " + request.saslMechanisms()
                            + " (expected: SCRAM-SHA-256)");
                    return;
                }
                scram = credentials.scram(pool.random());
                if (scram == null) {
                    failure.fail(ctx, "28000", credentials.cannotAnswer("SCRAM-SHA-256"));
                    return;
                }
                ctx.writeAndFlush(PgMessages.saslInitialResponse(ctx.alloc(), "SCRAM-SHA-256",
                        scram.clientFirst().getBytes(StandardCharsets.UTF_8)));
            }
            case AuthenticationRequest.SASL_CONTINUE -> {
                // The key derivation (PBKDF2) takes milliseconds: off the event loop (with pass-through
                // keys there is none, but one path for both keeps the order of events the same).
                ScramClient client = scram;
                byte[] data = request.data();
                CompletableFuture.supplyAsync(() -> client.receiveServerFirst(data), pool.authExecutor())
                        .whenComplete((step, error) -> ctx.executor().execute(() -> {
                            if (error != null || step instanceof ScramStep.Failure) {
                                failure.fail(ctx, "28P01", "SCRAM with the server failed: "
                                        + (error != null ? error : ((ScramStep.Failure) step).reason()));
                            } else if (step instanceof ScramStep.Continue c && ctx.channel().isActive()) {
                                ctx.writeAndFlush(PgMessages.saslResponse(ctx.alloc(), c.bytes()));
                            }
                        }));
            }
            case AuthenticationRequest.SASL_FINAL -> {
                if (scram == null || !(scram.receiveServerFinal(request.data()) instanceof ScramStep.Complete)) {
                    failure.fail(ctx, "28P01", "the server's SCRAM signature did not verify");
                }
            }
            default -> failure.fail(ctx, "28000", "the server asks for authentication method " + request.code()
                    + ", which the front door does not speak");
        }
    }

    /** Answers a password request with {@code password}, or fails when there is none. */
    private void send(ChannelHandlerContext ctx, String password, String method) {
        if (password == null) {
            failure.fail(ctx, "28000", pool.credentials().cannotAnswer(method));
        } else {
            ctx.writeAndFlush(PgMessages.passwordMessage(ctx.alloc(), password));
        }
    }

}
