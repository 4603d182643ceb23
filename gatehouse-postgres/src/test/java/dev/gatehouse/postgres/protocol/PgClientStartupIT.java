package dev.gatehouse.postgres.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.testing.LeakGuardExtension;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PgFrameDecoder.forClient() on what real clients send (pgjdbc, and psql through libpq), and
 * real clients on the ErrorResponse PgMessages writes: a listener that answers an SSLRequest
 * with 'N', records the StartupMessage and refuses it with a FATAL 28000.
 */
@ExtendWith(LeakGuardExtension.class)
final class PgClientStartupIT {

    private static final String REFUSAL = "the protocol test ends here";

    private final List<Object> received = new CopyOnWriteArrayList<>();
    private EventLoopGroup group;
    private Channel listener;

    @BeforeEach
    void listen() throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(PgFrameDecoder.forClient(), new Refuser());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }

    @AfterEach
    void close() throws InterruptedException {
        listener.close().await(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    }

    private int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** Answers encryption requests with 'N', records and refuses a StartupMessage, records anything else. */
    private final class Refuser extends SimpleChannelInboundHandler<Object> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            received.add(msg instanceof PgMessage m ? m.toString() : msg);
            switch (msg) {
                case SslRequest s -> ctx.writeAndFlush(ctx.alloc().buffer(1).writeByte('N'));
                case GssEncRequest g -> ctx.writeAndFlush(ctx.alloc().buffer(1).writeByte('N'));
                case StartupMessage m -> ctx.writeAndFlush(PgMessages.errorResponse(ctx.alloc(),
                        ErrorFields.of(ErrorFields.FATAL, "28000", REFUSAL).withHint("none")))
                        .addListener(ChannelFutureListener.CLOSE);
                default -> ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            received.add(cause);
            ctx.close();
        }
    }

    private StartupMessage startupReceived() {
        return received.stream().filter(StartupMessage.class::isInstance).map(StartupMessage.class::cast).findFirst()
                .orElseThrow(() -> new AssertionError("no StartupMessage among " + received));
    }

    @Test
    void pgjdbc_startupDecodes_andItReadsTheRefusal() {
        String url = "jdbc:postgresql://127.0.0.1:" + port() + "/shop?user=alice&password=x&sslmode=prefer"
                + "&ApplicationName=gatehouse-it&assumeMinServerVersion=15&gssEncMode=disable&connectTimeout=10";
        assertThatThrownBy(() -> DriverManager.getConnection(url).close()).isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getSQLState()).isEqualTo("28000");
            assertThat(e.getMessage()).contains(REFUSAL);
        });
        assertThat(received.get(0)).isEqualTo(SslRequest.INSTANCE);
        StartupMessage startup = startupReceived();
        assertThat(startup.version()).isEqualTo(StartupPacket.PROTOCOL_3_0);
        assertThat(startup.user()).isEqualTo("alice");
        assertThat(startup.database()).isEqualTo("shop");
        assertThat(startup.parameters()).containsEntry("application_name", "gatehouse-it")
                .containsKeys("client_encoding", "DateStyle", "TimeZone");
        assertThat(received).noneMatch(Throwable.class::isInstance);
    }

    @Test
    void psql_startupDecodes_andItShowsTheRefusal() throws Exception {
        Process psql = new ProcessBuilder("/usr/lib/postgresql/15/bin/psql", "-h", "127.0.0.1", "-p", Integer.toString(port()),
                "-U", "bob", "-w", "-c", "SELECT 1")
                .redirectErrorStream(true).start();
        psql.getOutputStream().close();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        psql.getInputStream().transferTo(output);
        assertThat(psql.waitFor(Duration.ofSeconds(20).toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(psql.exitValue()).isNotZero();
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("FATAL:  " + REFUSAL);
        StartupMessage startup = startupReceived();
        assertThat(startup.user()).isEqualTo("bob");
        assertThat(startup.database()).isEqualTo("bob");
        assertThat(startup.parameter("application_name")).isEqualTo("psql");
        assertThat(received).noneMatch(Throwable.class::isInstance);
    }
}
