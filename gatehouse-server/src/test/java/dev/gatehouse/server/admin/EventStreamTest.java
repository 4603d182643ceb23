package dev.gatehouse.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The event stream's pace and its end, on the loop's own clock (an embedded channel whose time
 * the test moves): an event at once, one a second while nothing changes, one within a tenth of a
 * second of a change, none while the client does not read, and the place given back when a
 * client has read nothing for the stall time, or when it goes.
 */
final class EventStreamTest {

    /** Holds every flush back while {@code reading} is false: the client reads nothing. */
    private static final class Client extends ChannelOutboundHandlerAdapter {
        volatile boolean reading = true;

        @Override
        public void flush(ChannelHandlerContext ctx) {
            if (reading) {
                ctx.flush();
            }
        }
    }

    private final Client client = new Client();
    private final AtomicReference<String> mark = new AtomicReference<>("a");
    private final AtomicInteger encoded = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();

    private EmbeddedChannel stream() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(64, 128));
        ch.pipeline().addLast(client, new HttpResponseEncoder(), new ChannelInboundHandlerAdapter());
        ChannelHandlerContext ctx = ch.pipeline().lastContext();
        EventStream.Views views = m -> {
            encoded.incrementAndGet();
            return ("{\"mark\":\"" + m + "\"}").getBytes(StandardCharsets.US_ASCII);
        };
        assertThat(EventStream.open(ctx, HttpVersion.HTTP_1_1, views, mark::get, open)).isTrue();
        return ch;
    }

    /** Moves the loop's clock by {@code millis} in steps of the stream's check, running what is due. */
    private static void advance(EmbeddedChannel ch, long millis) {
        for (long t = 0; t < millis; t += EventStream.CHECK_MILLIS) {
            ch.advanceTimeBy(EventStream.CHECK_MILLIS, TimeUnit.MILLISECONDS);
            ch.runScheduledPendingTasks();
        }
    }

    /** The events written since the last call (their data lines), the buffers released. */
    private static int events(EmbeddedChannel ch) {
        int n = 0;
        for (Object m = ch.readOutbound(); m != null; m = ch.readOutbound()) {
            if (m instanceof ByteBuf b && b.toString(StandardCharsets.US_ASCII).contains("data: ")) {
                n++;
            }
            ReferenceCountUtil.release(m);
        }
        return n;
    }

    @Test
    void anEventAtOnce_thenOneASecond_andAChangeWithinATenth() {
        EmbeddedChannel ch = stream();
        ch.runScheduledPendingTasks();
        assertThat(events(ch)).isEqualTo(1);
        advance(ch, 3000);
        assertThat(events(ch)).isEqualTo(3);
        mark.set("b");
        advance(ch, EventStream.CHECK_MILLIS);
        assertThat(events(ch)).isEqualTo(1);
        ch.close();
        assertThat(open.get()).isZero();
        ch.finishAndReleaseAll();
    }

    @Test
    void aClientThatReadsNothing_getsNoMoreEvents_andLosesItsPlaceAfterTheStall() {
        EmbeddedChannel ch = stream();
        ch.runScheduledPendingTasks();
        events(ch);
        client.reading = false;
        advance(ch, 2000); // the held events pass the high-water mark: the channel is not writable
        assertThat(ch.isWritable()).isFalse();
        int made = encoded.get();
        advance(ch, TimeUnit.SECONDS.toMillis(EventStream.STALL_SECONDS) - 1000);
        assertThat(ch.isActive()).as("not yet stalled for long enough").isTrue();
        assertThat(encoded.get()).as("no view is made for a client that does not read").isEqualTo(made);
        advance(ch, 2000);
        assertThat(ch.isActive()).isFalse();
        assertThat(open.get()).isZero();
        ch.finishAndReleaseAll();
    }

    @Test
    void theBoundOfOpenStreams_isKept() {
        open.set(EventStream.MAX_STREAMS);
        EmbeddedChannel ch = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        ChannelHandlerContext ctx = ch.pipeline().lastContext();
        assertThat(EventStream.open(ctx, HttpVersion.HTTP_1_1, m -> new byte[0], () -> "a", open)).isFalse();
        assertThat(open.get()).isEqualTo(EventStream.MAX_STREAMS);
        assertThat(ch.<Object>readOutbound()).isNull();
        ch.finishAndReleaseAll();
    }
}
