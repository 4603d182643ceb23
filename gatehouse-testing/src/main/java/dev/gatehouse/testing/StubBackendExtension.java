package dev.gatehouse.testing;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts stub backends for a test and closes them afterwards, so a failing test does not leave
 * servers behind:
 * <pre>{@code
 * @RegisterExtension
 * final StubBackendExtension backends = new StubBackendExtension();
 *
 * @Test
 * void spreads_requests() {
 *     StubBackend a = backends.start("a");
 *     StubBackend b = backends.start("b", StubBehaviors.text(500, "boom"));
 *     ...
 * }
 * }</pre>
 * Backends started during a test (including its {@code @BeforeEach} methods) are closed after
 * that test; backends started otherwise (a {@code static} field with {@code @BeforeAll}) are closed
 * after the test class. Not for tests running in parallel on one instance.
 */
public final class StubBackendExtension implements BeforeEachCallback, AfterEachCallback, AfterAllCallback {

    private final List<StubBackend> perClass = new ArrayList<>();
    private final List<StubBackend> perTest = new ArrayList<>();
    private boolean inTest;

    /** Creates the extension; register it with {@code @RegisterExtension}. */
    public StubBackendExtension() {
    }

    /**
     * Starts a backend with the standard behaviour.
     *
     * @param name the backend's name
     * @return the running backend, closed by this extension
     */
    public synchronized StubBackend start(String name) {
        return track(StubBackend.start(name));
    }

    /**
     * Starts a backend.
     *
     * @param name the backend's name
     * @param behavior how it answers
     * @return the running backend, closed by this extension
     */
    public synchronized StubBackend start(String name, StubBehavior behavior) {
        return track(StubBackend.start(name, behavior));
    }

    @Override
    public synchronized void beforeEach(ExtensionContext context) {
        inTest = true;
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) {
        inTest = false;
        closeAll(perTest);
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        closeAll(perTest);
        closeAll(perClass);
    }

    private StubBackend track(StubBackend backend) {
        (inTest ? perTest : perClass).add(backend);
        return backend;
    }

    private static void closeAll(List<StubBackend> backends) {
        for (StubBackend backend : backends) {
            backend.close();
        }
        backends.clear();
    }
}
