package dev.gatehouse.server.h2;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * When the flushes held by {@link FlushBatcher} reach the transport. On an {@code EmbeddedChannel} a
 * second write in the same task was seen to let the queued flush through (an epoll loop does not:
 * strace shows the batching), so the case outside a read writes once; several flushes held together
 * are shown in a read.
 */
final class FlushBatcherTest {

    @Test
    void aFlushOutsideARead_waitsForTheLoopsNextTask() {
        EmbeddedChannel ch = new EmbeddedChannel(new FlushBatcher());
        List<Integer> seenInTheTask = new ArrayList<>();
        // As a backend's answer arrives: in a task of the loop, not in a read of this channel.
        ch.eventLoop().execute(() -> {
            ch.pipeline().writeAndFlush("a");
            seenInTheTask.add(ch.outboundMessages().size());
        });
        ch.runPendingTasks();

        assertThat(seenInTheTask).containsExactly(0);
        assertThat(ch.outboundMessages()).containsExactly("a");
        ch.finishAndReleaseAll();
    }

    @Test
    void flushesDuringARead_waitForItsReadComplete_andTheHandlersBehindFlushThere() {
        List<Integer> seenDuringRead = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.pipeline().addLast(new FlushBatcher(), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ctx.writeAndFlush("answer to " + msg);
                seenDuringRead.add(((EmbeddedChannel) ctx.channel()).outboundMessages().size());
            }

            @Override
            public void channelReadComplete(ChannelHandlerContext ctx) {
                // Like the HTTP/2 codec: writes and flushes of its own on read-complete.
                ctx.writeAndFlush("ack");
            }
        });

        ch.writeInbound("x", "y");

        assertThat(seenDuringRead).containsExactly(0, 0);
        assertThat(ch.outboundMessages()).containsExactly("answer to x", "answer to y", "ack");
        ch.runPendingTasks();
        assertThat(ch.outboundMessages()).hasSize(3);
        ch.finishAndReleaseAll();
    }

    @Test
    void aCloseFlushesWhatIsHeldFirst() {
        EmbeddedChannel ch = new EmbeddedChannel(new FlushBatcher());
        ch.pipeline().writeAndFlush("last");

        ch.close();

        assertThat(ch.outboundMessages()).containsExactly("last");
        ch.finishAndReleaseAll();
    }

    @Test
    void removingTheHandlerFlushesWhatIsHeld() {
        FlushBatcher batcher = new FlushBatcher();
        EmbeddedChannel ch = new EmbeddedChannel(batcher);
        ch.pipeline().writeAndFlush("held");

        ch.pipeline().remove(batcher);

        assertThat(ch.outboundMessages()).containsExactly("held");
        ch.finishAndReleaseAll();
    }
}
