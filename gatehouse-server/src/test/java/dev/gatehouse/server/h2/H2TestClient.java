package dev.gatehouse.server.h2;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP/2 client for tests, on Netty's client codec, speaking h2c with prior knowledge: one
 * connection, many streams ({@link #stream}), each answered into a {@link Response}. A stream may be
 * opened without reading ({@code autoRead} false), so that its window stays closed until
 * {@link Stream#read()} is called. Close it to close the connection and its event loop.
 */
public final class H2TestClient implements AutoCloseable {

    /** The client's connection receive window, past the initial 65535. */
    static final int CONNECTION_WINDOW = 64 * 1024 * 1024;

    private final EventLoopGroup group;
    private final Channel channel;
    private final CompletableFuture<GoAway> goAway = new CompletableFuture<>();
    private final CompletableFuture<Http2Settings> settings = new CompletableFuture<>();

    private H2TestClient(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    /** Connects to 127.0.0.1:{@code port} and sends the connection preface. */
    public static H2TestClient connect(int port) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        CompletableFuture<GoAway> goAway = new CompletableFuture<>();
        CompletableFuture<Http2Settings> settings = new CompletableFuture<>();
        Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forClient()
                                .initialSettings(Http2Settings.defaultSettings().maxConcurrentStreams(1000))
                                .build());
                        ch.pipeline().addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                if (msg instanceof Http2GoAwayFrame g) {
                                    goAway.complete(new GoAway(g.errorCode(), g.lastStreamId()));
                                } else if (msg instanceof Http2SettingsFrame s) {
                                    settings.complete(s.settings());
                                }
                                ReferenceCountUtil.release(msg);
                            }
                        });
                    }
                }).connect("127.0.0.1", port).sync().channel();
        // Like a browser's, a connection window far larger than a stream's: a stream this client does
        // not read stalls only itself.
        ch.writeAndFlush(new io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame(CONNECTION_WINDOW)).sync();
        H2TestClient c = new H2TestClient(group, ch);
        goAway.whenComplete((g, e) -> c.goAway.complete(g));
        settings.whenComplete((s, e) -> c.settings.complete(s));
        return c;
    }

    /** The server's SETTINGS, once they arrived. */
    public CompletableFuture<Http2Settings> settings() {
        return settings;
    }

    /** The server's first GOAWAY, once it arrived. */
    public CompletableFuture<GoAway> goAway() {
        return goAway;
    }

    /** Whether the connection is open. */
    public boolean isOpen() {
        return channel.isActive();
    }

    /** Opens a stream; nothing is sent until {@link Stream#headers}. */
    public Stream stream(boolean autoRead) throws InterruptedException {
        Stream s = new Stream();
        Http2StreamChannel ch = new Http2StreamChannelBootstrap(channel).handler(s).open().sync().getNow();
        ch.config().setAutoRead(autoRead);
        s.ch = ch;
        return s;
    }

    /** Sends a request with {@code body} (null for none) on a new stream and returns its response. */
    public CompletableFuture<Response> request(String method, String path, byte[] body) throws InterruptedException {
        Stream s = stream(true);
        s.headers(headers(method, path), body == null);
        if (body != null) {
            s.data(Unpooled.wrappedBuffer(body), true);
        }
        return s.response;
    }

    /** Request headers for 127.0.0.1 over h2c. */
    public static Http2Headers headers(String method, String path) {
        return new DefaultHttp2Headers().method(method).path(path).scheme("http").authority("gatehouse.test");
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** A GOAWAY: its error code and the last stream the server may process. */
    public record GoAway(long errorCode, int lastStreamId) {
    }

    /** What a stream got back. */
    public record Response(int status, Http2Headers headers, byte[] body, Http2Headers trailers, Http2Error reset) {
        /** The body as text. */
        public String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** One stream: send on it, and read its response. */
    public static final class Stream extends ChannelInboundHandlerAdapter {
        private Http2StreamChannel ch;
        private final CompletableFuture<Response> response = new CompletableFuture<>();
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private final AtomicLong received = new AtomicLong();
        private Http2Headers head;
        private Http2Headers trailers;

        /** Sends HEADERS. */
        public Stream headers(Http2Headers headers, boolean endStream) {
            ch.writeAndFlush(new DefaultHttp2HeadersFrame(headers, endStream));
            return this;
        }

        /** Sends DATA (taking {@code data}). */
        public Stream data(ByteBuf data, boolean endStream) {
            ch.writeAndFlush(new DefaultHttp2DataFrame(data, endStream));
            return this;
        }

        /** Sends RST_STREAM(CANCEL). */
        public void reset() {
            ch.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CANCEL));
        }

        /** Reads what is buffered and turns auto-read on: the stream's window opens again. */
        public void read() {
            ch.eventLoop().execute(() -> {
                ch.config().setAutoRead(true);
                ch.read();
            });
        }

        /** Body bytes received so far. */
        public long received() {
            return received.get();
        }

        /** Whether the stream channel is writable (the server's window has room). */
        public boolean isWritable() {
            return ch.isWritable();
        }

        public CompletableFuture<Response> response() {
            return response;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame h) {
                    if (head == null || head.status().charAt(0) == '1') {
                        head = h.headers();
                    } else {
                        trailers = h.headers();
                    }
                    if (h.isEndStream()) {
                        complete(null);
                    }
                } else if (msg instanceof Http2DataFrame d) {
                    received.addAndGet(d.content().readableBytes());
                    synchronized (body) {
                        d.content().readBytes(body, d.content().readableBytes());
                    }
                    if (d.isEndStream()) {
                        complete(null);
                    }
                }
            } catch (java.io.IOException e) {
                response.completeExceptionally(e);
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof Http2ResetFrame r) {
                complete(Http2Error.valueOf(r.errorCode()));
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            response.completeExceptionally(new IllegalStateException("stream closed without a response"));
        }

        private void complete(Http2Error reset) {
            byte[] bytes;
            synchronized (body) {
                bytes = body.toByteArray();
            }
            int status = head == null ? 0 : Integer.parseInt(head.status().toString());
            response.complete(new Response(status, head, bytes, trailers, reset));
        }
    }
}
