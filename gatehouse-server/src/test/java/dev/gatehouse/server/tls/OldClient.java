package dev.gatehouse.server.tls;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** A BoringSSL client that offers exactly one protocol version, old ones included (the JDK's refuses to). */
final class OldClient {

    private OldClient() {
    }

    /** Shakes hands offering only {@code protocol}; returns why it failed, or null when it succeeded. */
    static Throwable handshake(int port, String protocol) throws Exception {
        SslContext ctx = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL).protocols(protocol)
                .trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            // The handler is kept here, not looked up: a server that refuses fast closes the
            // connection, and a closed channel's pipeline no longer holds it.
            AtomicReference<SslHandler> tls = new AtomicReference<>();
            Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel c) {
                            SslHandler h = ctx.newHandler(c.alloc(), "127.0.0.1", port);
                            tls.set(h);
                            c.pipeline().addLast(h);
                        }
                    }).connect("127.0.0.1", port).sync().channel();
            Future<Channel> handshake = tls.get().handshakeFuture();
            boolean done = handshake.await(10, TimeUnit.SECONDS);
            ch.close().sync();
            return done ? handshake.cause() : new IllegalStateException("no answer");
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
