package dev.gatehouse.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.state.DeployRecord;
import dev.gatehouse.core.state.PoolSnapshot;
import dev.gatehouse.core.state.RuntimeChanges;
import dev.gatehouse.server.TestNode;
import dev.gatehouse.server.control.ControlPlane;
import dev.gatehouse.server.control.FileStateStore;
import dev.gatehouse.testing.RawHttpClient;
import dev.gatehouse.testing.RawHttpResponse;
import dev.gatehouse.testing.StubBackend;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node stopped in the middle of a deploy finishes it when it starts again: rolled back before the
 * switch, completed after it; the state says which.
 */
final class DeployRestartIT {

    @TempDir
    Path dir;

    /** Stops a node as a crash would leave it: the deploy recorded running, the steps so far saved. */
    private void interrupt(TestNode.Builder builder, FileStateStore store, StubBackend newBackend, boolean switched)
            throws Exception {
        try (TestNode node = builder.start(store)) {
            ControlPlane control = node.server().control();
            HostPort address = HostPort.parse(newBackend.address());
            control.change("test", "deploy v2", s -> s.with("web",
                    new DeployRecord("v1", "v2", List.of(address), DeployRecord.Status.RUNNING, "")));
            control.change("test", "register", s -> RuntimeChanges.add(s, control.config(), "web", address, 1, "v2"));
            if (switched) {
                control.cutover("test", "web", "v2", false, java.time.Duration.ofSeconds(1));
            }
        }
    }

    private static String served(TestNode node) {
        try (RawHttpClient client = RawHttpClient.connect(node.port())) {
            client.send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
            RawHttpResponse r = client.readResponse();
            return r.header("X-Backend");
        }
    }

    @Test
    void restartBeforeTheSwitch_rollsBack_theOldVersionServes() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b")) {
            FileStateStore store = new FileStateStore(dir.resolve("state.json"));
            TestNode.Builder builder = TestNode.builder().backend(a.address()).accessLog(false);
            interrupt(builder, store, b, false);

            try (TestNode restarted = builder.start(store)) {
                PoolSnapshot web = restarted.server().snapshots().current().pool("web");
                DeployRecord d = restarted.server().control().state().deploy("web");
                assertThat(d.status()).isEqualTo(DeployRecord.Status.ROLLED_BACK_AT_RESTART);
                assertThat(web.liveVersion()).isEqualTo("v1");
                assertThat(web.members()).extracting(m -> m.backend().address().toString()).containsExactly(a.address());
                assertThat(served(restarted)).isEqualTo("a");
            }
            // What the restart decided is in the state file too.
            assertThat(store.load().deploy("web").status()).isEqualTo(DeployRecord.Status.ROLLED_BACK_AT_RESTART);
        }
    }

    @Test
    void restartAfterTheSwitch_completes_theNewVersionServes_theOldIsRetired() throws Exception {
        try (StubBackend a = StubBackend.start("a"); StubBackend b = StubBackend.start("b")) {
            FileStateStore store = new FileStateStore(dir.resolve("state.json"));
            TestNode.Builder builder = TestNode.builder().backend(a.address()).accessLog(false);
            interrupt(builder, store, b, true);

            try (TestNode restarted = builder.start(store)) {
                PoolSnapshot web = restarted.server().snapshots().current().pool("web");
                assertThat(restarted.server().control().state().deploy("web").status())
                        .isEqualTo(DeployRecord.Status.COMPLETED_AT_RESTART);
                assertThat(web.liveVersion()).isEqualTo("v2");
                assertThat(web.epoch()).isEqualTo(1);
                assertThat(web.members()).extracting(m -> m.backend().address().toString()).containsExactly(b.address());
                assertThat(served(restarted)).isEqualTo("b");
            }
        }
    }
}
