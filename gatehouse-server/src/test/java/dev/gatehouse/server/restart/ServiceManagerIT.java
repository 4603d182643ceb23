package dev.gatehouse.server.restart;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sd_notify datagram reaches a notify socket as systemd reads it. */
class ServiceManagerIT {

    @TempDir
    Path dir;

    @Test
    void theNotificationArrivesAsOneDatagram() throws Exception {
        Assumptions.assumeTrue(Epoll.isAvailable(), "epoll");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        CompletableFuture<String> got = new CompletableFuture<>();
        try {
            String path = dir.resolve("notify").toString();
            Channel server = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                    .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket p) {
                            got.complete(p.content().toString(StandardCharsets.UTF_8));
                        }
                    }).bind(new DomainSocketAddress(path)).sync().channel();
            assertThat(ServiceManager.notify(path, "MAINPID=42\nREADY=1\n")).isTrue();
            assertThat(got.get(5, TimeUnit.SECONDS)).isEqualTo("MAINPID=42\nREADY=1\n");
            server.close().sync();
            assertThat(ServiceManager.notify("@abstract", "READY=1\n")).isFalse();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
