package dev.gatehouse.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The frame-level client against Netty's own HTTP/2 server codec, answering every request with its path. */
@ExtendWith(LeakGuardExtension.class)
final class RawH2ConnectionTest {

    private static EventLoopGroup group;
    private static Channel server;

    @BeforeAll
    static void start() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build());
                        ch.pipeline().addLast(new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                            @Override
                            protected void initChannel(Http2StreamChannel stream) {
                                stream.pipeline().addLast(new EchoPath());
                            }
                        }));
                    }
                })
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    @AfterAll
    static void stop() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Test
    void get_returnsTheDecodedResponse_andTheSettingsAreAcked() {
        try (RawH2Connection h2 = RawH2Connection.connect(port())) {
            h2.get(1, "/hello");
            RawH2Response r = h2.awaitResponse(1);

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("content-type")).isEqualTo("text/plain");
            assertThat(r.bodyText()).isEqualTo("/hello");
            assertThat(h2.awaitSettingsAck()).isNotNull();
        }
    }

    @Test
    void headerBlockSplitOverContinuations_isAccepted() {
        try (RawH2Connection h2 = RawH2Connection.connect(port())) {
            byte[] block = HpackBlock.get("/split").literal("x-a", "b".repeat(100)).bytes();
            h2.frame(H2Frame.HEADERS, H2Frame.END_STREAM, 1, java.util.Arrays.copyOfRange(block, 0, 10));
            h2.continuation(1, java.util.Arrays.copyOfRange(block, 10, 20), false);
            h2.continuation(1, java.util.Arrays.copyOfRange(block, 20, block.length), true);

            assertThat(h2.awaitResponse(1).bodyText()).isEqualTo("/split");
        }
    }

    @Test
    void connectionError_isSeenAsGoAwayWithItsCode_andTheClose() {
        try (RawH2Connection h2 = RawH2Connection.connect(port())) {
            h2.frame(H2Frame.PING, 0, 1, new byte[8]);

            H2Frame goAway = h2.awaitGoAway();
            assertThat(goAway.errorCode()).isEqualTo(H2Frame.PROTOCOL_ERROR);
            assertThat(h2.awaitClosed(Duration.ofSeconds(10))).isTrue();
            assertThatThrownBy(() -> h2.awaitResponse(3, Duration.ofSeconds(1)))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("GOAWAY");
        }
    }

    @Test
    void streamError_isSeenAsRstStream() {
        try (RawH2Connection h2 = RawH2Connection.connect(port())) {
            h2.headers(1, HpackBlock.get("/").literal("connection", "close").bytes(), true);

            H2Frame error = h2.awaitStreamOrConnectionError(1);
            assertThat(error.type()).isEqualTo(H2Frame.RST_STREAM);
            assertThat(error.errorCode()).isEqualTo(H2Frame.PROTOCOL_ERROR);
        }
    }

    @Test
    void pausedClient_stopsReading_andResumes() {
        try (RawH2Connection h2 = RawH2Connection.connect(port())) {
            h2.awaitSettingsAck();
            h2.pauseReading();
            h2.ping(42);
            h2.resumeReading();

            H2Frame ack = h2.awaitFrame("a PING ack", f -> f.type() == H2Frame.PING && f.hasFlag(H2Frame.ACK),
                    Duration.ofSeconds(10));
            assertThat(ack.payload()).containsExactly(0, 0, 0, 0, 0, 0, 0, 42);
        }
    }

    /** Answers every request's HEADERS with 200 and the path as the body. */
    private static final class EchoPath extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame h) {
                String path = String.valueOf(h.headers().path());
                ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")
                        .set("content-type", "text/plain")));
                ctx.writeAndFlush(new DefaultHttp2DataFrame(
                        Unpooled.copiedBuffer(path, StandardCharsets.UTF_8), true));
            }
            ReferenceCountUtil.release(msg);
        }
    }
}
