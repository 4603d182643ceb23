package dev.gatehouse.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

final class StubBackendExtensionTest {

    @RegisterExtension
    final StubBackendExtension backends = new StubBackendExtension();

    private static StubBackend startedInTest;

    @Test
    void start_givesARunningBackend() {
        startedInTest = backends.start("a", StubBehaviors.text(200, "ok"));

        assertThat(RawHttpResponse.get(startedInTest.port(), "/").bodyText()).isEqualTo("ok");
    }

    @AfterAll
    static void backendWasClosedAfterTheTest() {
        assertThat(startedInTest).isNotNull();
        try (RawHttpClient client = RawHttpClient.connect(startedInTest.port())) {
            throw new AssertionError("backend still accepts connections on " + client.localPort());
        } catch (java.io.UncheckedIOException expected) {
            // connection refused: closed
        }
    }
}
