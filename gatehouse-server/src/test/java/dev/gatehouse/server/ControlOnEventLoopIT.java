package dev.gatehouse.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.core.backend.AdminState;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.state.RuntimeChanges;
import dev.gatehouse.core.state.RuntimeState;
import dev.gatehouse.core.state.StateStore;
import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A change called on an event loop (which the control plane forbids: it waits for every loop) is
 * refused before anything changes, not after its state was saved and its snapshot published.
 */
final class ControlOnEventLoopIT {

    @Test
    void changeOnAnEventLoop_isRefused_andNothingIsSavedOrPublished() throws Exception {
        List<RuntimeState> saved = new ArrayList<>();
        StateStore store = new StateStore() {
            @Override
            public RuntimeState load() {
                return RuntimeState.EMPTY;
            }

            @Override
            public void save(RuntimeState state) {
                saved.add(state);
            }

            @Override
            public String describe() {
                return "memory";
            }
        };
        try (TestNode node = TestNode.builder().backend("127.0.0.1:1").accessLog(false).start(store)) {
            GatehouseServer server = node.server();
            long generation = server.snapshots().current().generation();
            var field = GatehouseServer.class.getDeclaredField("group");
            field.setAccessible(true);
            EventLoopGroup group = (EventLoopGroup) field.get(server);
            Throwable failure = group.next().submit(() -> {
                try {
                    server.control().change("test", "maintenance", s -> RuntimeChanges.admin(s, server.control().config(),
                            "web", HostPort.parse("127.0.0.1:1"), AdminState.MAINT, null));
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            }).get(30, TimeUnit.SECONDS);

            assertThat(failure).isInstanceOf(IllegalStateException.class).hasMessageContaining("event loop");
            assertThat(saved).as("state saved by a refused change").isEmpty();
            assertThat(server.control().state()).isEqualTo(RuntimeState.EMPTY);
            assertThat(server.snapshots().current().generation()).isEqualTo(generation);
        }
    }
}
