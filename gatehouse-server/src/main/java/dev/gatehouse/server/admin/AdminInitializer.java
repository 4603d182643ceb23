package dev.gatehouse.server.admin;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline of an admin connection: an idle timer, a strict HTTP/1.1 codec with small bounds,
 * the aggregator (64 KiB of body at most), flow control (one request per read) and the handler.
 */
@ChannelHandler.Sharable
final class AdminInitializer extends ChannelInitializer<Channel> {

    /** The largest request body: admin requests are small. */
    static final int MAX_BODY = 64 * 1024;
    /**
     * An admin connection that has not been answered for this long (since it opened or since its
     * last response), and is not waiting for a change, is closed: the bytes of a request trickling
     * in do not reset the timer, so a request must arrive whole within it (slowloris).
     */
    static final int IDLE_SECONDS = 60;

    private final AdminApi api;
    private final AdminAuth auth;
    private final ChannelGroup connections;
    private final UiAssets ui;
    private final HttpDecoderConfig decoding = new HttpDecoderConfig()
            .setMaxInitialLineLength(4096)
            .setMaxHeaderSize(16 * 1024)
            .setMaxChunkSize(16 * 1024)
            .setStrictLineParsing(true)
            .setValidateHeaders(true)
            .setAllowDuplicateContentLengths(false)
            .setUseRfc9112TransferEncoding(true);

    AdminInitializer(AdminApi api, AdminAuth auth, ChannelGroup connections) {
        this.api = api;
        this.auth = auth;
        this.connections = connections;
        this.ui = new UiAssets(auth.required());
    }

    @Override
    protected void initChannel(Channel ch) {
        connections.add(ch);
        ch.pipeline().addLast("idle", new IdleStateHandler(0, IDLE_SECONDS, 0, TimeUnit.SECONDS));
        ch.pipeline().addLast("http", new HttpServerCodec(decoding.clone()));
        ch.pipeline().addLast("aggregate", new AdminAggregator(MAX_BODY));
        ch.pipeline().addLast("flow", new FlowControlHandler());
        ch.pipeline().addLast("admin", new AdminHandler(api, auth, ui));
    }
}
