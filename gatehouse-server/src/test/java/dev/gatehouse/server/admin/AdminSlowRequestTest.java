package dev.gatehouse.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A client that sends its request a byte at a time (slowloris) must not hold an admin connection
 * open for ever: the idle timer is not reset by the bytes of a request that never completes.
 */
final class AdminSlowRequestTest {

    @Test
    void requestTrickledByteByByte_isClosedWithinTheIdleTimeout() {
        EmbeddedChannel ch = new EmbeddedChannel(new AdminInitializer(new AdminApi(null), AdminAuth.token("t0ken-0123456789abcdef"),
                new DefaultChannelGroup(GlobalEventExecutor.INSTANCE)));
        ch.freezeTime();
        String request = "GET /api/v1/node HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(100);
        long elapsedSeconds = 0;
        for (int i = 0; i < request.length() && ch.isOpen(); i++) {
            ch.writeInbound(Unpooled.copiedBuffer(request.substring(i, i + 1), StandardCharsets.US_ASCII));
            ch.advanceTimeBy(AdminInitializer.IDLE_SECONDS / 2, TimeUnit.SECONDS);
            elapsedSeconds += AdminInitializer.IDLE_SECONDS / 2;
            ch.runScheduledPendingTasks();
        }
        assertThat(ch.isOpen()).as("open after %d s of a request that never ends", elapsedSeconds).isFalse();
        assertThat(elapsedSeconds).isLessThanOrEqualTo(2L * AdminInitializer.IDLE_SECONDS);
        for (Object out; (out = ch.readOutbound()) != null; ) {
            ((ByteBuf) out).release();
        }
        ch.finishAndReleaseAll();
    }

    @Test
    void keptAliveConnection_answeredRequests_stayOpenUntilIdle() {
        EmbeddedChannel ch = new EmbeddedChannel(new AdminInitializer(new AdminApi(null), AdminAuth.token("t0ken-0123456789abcdef"),
                new DefaultChannelGroup(GlobalEventExecutor.INSTANCE)));
        ch.freezeTime();
        for (int i = 0; i < 3; i++) {
            ch.writeInbound(Unpooled.copiedBuffer("GET /api/v1/node HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.US_ASCII));
            ch.runPendingTasks();
            ByteBuf response = ch.readOutbound();
            assertThat(response.toString(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 401");
            response.release();
            ch.advanceTimeBy(AdminInitializer.IDLE_SECONDS / 2, TimeUnit.SECONDS);
            ch.runScheduledPendingTasks();
            assertThat(ch.isOpen()).isTrue();
        }
        ch.advanceTimeBy(AdminInitializer.IDLE_SECONDS, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        ch.finishAndReleaseAll();
    }
}
