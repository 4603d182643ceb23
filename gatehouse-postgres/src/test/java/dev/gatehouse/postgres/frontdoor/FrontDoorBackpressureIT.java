package dev.gatehouse.postgres.frontdoor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gatehouse.testing.postgres.PostgresCluster;
import dev.gatehouse.testing.postgres.PostgresExtension;
import java.io.DataInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client that asks for a large result and does not read it: the front door stops reading the
 * server (PostgreSQL waits to write, {@code ClientWrite}) instead of holding the result in memory,
 * and goes on once the client reads.
 */
final class FrontDoorBackpressureIT {

    @RegisterExtension
    static final PostgresExtension postgres = new PostgresExtension(PostgresCluster.builder()
            .trustUser("local").database("appdb", "local"));

    @Test
    void aClientThatDoesNotRead_makesTheServerWait_andGetsEverythingWhenItReads() throws Exception {
        try (FrontDoorFixture front = FrontDoorFixture.start(postgres.cluster(), """
                listeners: [{ bind: 127.0.0.1:0 }]
                servers: { main: { address: SERVER, max_connections: 2 } }
                pools: { appdb: { server: main } }
                users: { local: { auth: trust } }
                """);
             RawPgClient raw = RawPgClient.loggedIn(front.port, "local", "appdb")) {
            DataInputStream in = raw.in;
            // About 80 MB of rows, far more than the socket buffers on the way hold.
            byte[] sql = "SELECT repeat('x', 10000) FROM generate_series(1, 8000)\0".getBytes(StandardCharsets.UTF_8);
            raw.send('Q', sql);

            // The backend waits to write for as long as the client does not read: the front door
            // does not take the rest of the result into its memory (without backpressure it would,
            // in well under a second, and the backend would be done).
            await().atMost(Duration.ofSeconds(30)).during(Duration.ofSeconds(2)).until(() -> postgres.cluster().queryLong(
                    "SELECT count(*) FROM pg_stat_activity WHERE usename = 'local' AND wait_event = 'ClientWrite'") == 1);

            long rows = 0;
            char type;
            while ((type = (char) in.readUnsignedByte()) != 'Z') {
                int length = in.readInt() - 4;
                in.skipNBytes(length);
                if (type == 'D') {
                    rows++;
                }
            }
            in.skipNBytes(in.readInt() - 4);
            assertThat(rows).isEqualTo(8_000);
        }
    }
}
