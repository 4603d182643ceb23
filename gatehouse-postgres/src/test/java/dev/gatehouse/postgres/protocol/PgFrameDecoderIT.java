package dev.gatehouse.postgres.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.testing.LeakGuardExtension;
import dev.gatehouse.testing.postgres.PostgresCluster;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PgMessages and PgFrameDecoder against a real PostgreSQL 15: the front door's side of a session
 * with a server, from the startup message to Terminate, every byte the server sends decoded.
 */
@ExtendWith(LeakGuardExtension.class)
final class PgFrameDecoderIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static PostgresCluster postgres;
    private static EventLoopGroup group;

    private final DecodedQueue queue = new DecodedQueue();
    private Channel channel;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = PostgresCluster.builder().start();
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stopPostgres() throws InterruptedException {
        if (group != null) {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @BeforeEach
    void connect() throws InterruptedException {
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(PgFrameDecoder.forServer(), queue);
                    }
                })
                .connect("127.0.0.1", postgres.port()).sync().channel();
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.close().await(5, TimeUnit.SECONDS);
        queue.releaseAll();
    }

    private StartupMessage startup(int version) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("user", "postgres");
        p.put("database", "postgres");
        p.put("application_name", "gatehouse-pgproto-it");
        if (version != StartupPacket.PROTOCOL_3_0) {
            p.put("_pq_.gatehouse_probe", "on");
        }
        return new StartupMessage(version, p);
    }

    private void send(ByteBuf message) {
        channel.writeAndFlush(message);
    }

    /** Reads the rest of a successful startup, from AuthenticationOk to ReadyForQuery; returns the parameters. */
    private Map<String, String> readStartupAnswer() throws InterruptedException {
        PgMessage auth = queue.takeMessage(WAIT);
        try {
            assertThat(PgReaders.readAuthentication(auth).code()).isEqualTo(AuthenticationRequest.OK);
        } finally {
            auth.release();
        }
        Map<String, String> parameters = new HashMap<>();
        BackendKeyData key = null;
        while (true) {
            PgMessage m = queue.takeMessage(WAIT);
            try {
                switch (m.type()) {
                    case PgMessageTypes.PARAMETER_STATUS -> {
                        ParameterStatus s = PgReaders.readParameterStatus(m);
                        parameters.put(s.name(), s.value());
                    }
                    case PgMessageTypes.BACKEND_KEY_DATA -> key = PgReaders.readBackendKeyData(m);
                    case PgMessageTypes.READY_FOR_QUERY -> {
                        assertThat(PgReaders.readReadyForQuery(m)).isEqualTo(TransactionStatus.IDLE);
                        assertThat(key).as("BackendKeyData before ReadyForQuery").isNotNull();
                        assertThat(key.key()).hasSize(4);
                        return parameters;
                    }
                    default -> throw new AssertionError("unexpected " + m);
                }
            } finally {
                m.release();
            }
        }
    }

    /** Takes the next message, checks its type, returns its payload's bytes and releases it. */
    private byte[] next(char type) throws InterruptedException {
        PgMessage m = queue.takeMessage(WAIT);
        try {
            assertThat(m.type()).as("type of " + m).isEqualTo(type);
            return ByteBufUtil.getBytes(m.payload());
        } finally {
            m.release();
        }
    }

    @Test
    void aSession_fromStartupToTerminate_decodesEveryMessage() throws InterruptedException {
        send(PgMessages.startupMessage(channel.alloc(), startup(StartupPacket.PROTOCOL_3_0)));
        Map<String, String> parameters = readStartupAnswer();
        assertThat(parameters.get("server_version")).startsWith("15");
        assertThat(parameters).containsEntry("client_encoding", "UTF8").containsEntry("application_name", "gatehouse-pgproto-it")
                .containsKey("integer_datetimes");

        send(PgMessages.query(channel.alloc(), "SELECT 1"));
        byte[] rowDescription = next(PgMessageTypes.ROW_DESCRIPTION);
        assertThat(rowDescription[0] << 8 | rowDescription[1]).as("field count").isEqualTo(1);
        assertThat(new String(rowDescription, 2, "?column?".length(), StandardCharsets.UTF_8)).isEqualTo("?column?");
        assertThat(next(PgMessageTypes.DATA_ROW)).containsExactly(0, 1, 0, 0, 0, 1, '1');
        assertThat(new String(next(PgMessageTypes.COMMAND_COMPLETE), StandardCharsets.UTF_8)).isEqualTo("SELECT 1\0");
        assertThat(next(PgMessageTypes.READY_FOR_QUERY)).containsExactly('I');

        send(PgMessages.terminate(channel.alloc()));
        assertThat(channel.closeFuture().await(WAIT.toMillis())).as("the server closes after Terminate").isTrue();
    }

    @Test
    void aFailedQuery_answersAnErrorResponseWithItsFields() throws InterruptedException {
        send(PgMessages.startupMessage(channel.alloc(), startup(StartupPacket.PROTOCOL_3_0)));
        readStartupAnswer();
        send(PgMessages.query(channel.alloc(), "SELECT * FROM no_such_table"));
        PgMessage error = queue.takeMessage(WAIT);
        try {
            ErrorFields fields = PgReaders.readErrorFields(error);
            assertThat(fields.severity()).isEqualTo("ERROR");
            assertThat(fields.sqlState()).isEqualTo("42P01");
            assertThat(fields.message()).isEqualTo("relation \"no_such_table\" does not exist");
            assertThat(fields.fields()).containsKeys('S', 'V', 'C', 'M', 'P', 'F', 'L', 'R');
        } finally {
            error.release();
        }
        assertThat(next(PgMessageTypes.READY_FOR_QUERY)).containsExactly('I');
        send(PgMessages.terminate(channel.alloc()));
    }

    @Test
    void aNewerMinorVersion_isAnsweredWithNegotiateProtocolVersion() throws InterruptedException {
        // PostgreSQL 15 speaks 3.0 only: asked for 3.2 and an option it does not know, it says so and goes on.
        send(PgMessages.startupMessage(channel.alloc(), startup((3 << 16) | 2)));
        PgMessage negotiate = queue.takeMessage(WAIT);
        try {
            assertThat(PgReaders.readNegotiateProtocolVersion(negotiate))
                    .isEqualTo(new NegotiateProtocolVersion(0, java.util.List.of("_pq_.gatehouse_probe")));
        } finally {
            negotiate.release();
        }
        readStartupAnswer();
        send(PgMessages.terminate(channel.alloc()));
        assertThat(channel.closeFuture().await(WAIT.toMillis())).isTrue();
    }
}
