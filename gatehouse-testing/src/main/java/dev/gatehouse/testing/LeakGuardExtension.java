package dev.gatehouse.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test, or its class, when Netty reported a ByteBuf leak; see {@link LeakGuard}.
 *
 * <p>Registered for automatic use in this module's {@code META-INF/services}; a module turns it
 * on with {@code junit.jupiter.extensions.autodetection.enabled=true} in its
 * {@code src/test/resources/junit-platform.properties} (and includes
 * {@code gatehouse-logback-test.xml} in its {@code logback-test.xml}). Or register it by hand
 * with {@code @ExtendWith(LeakGuardExtension.class)}.
 *
 * <p>It checks after every test, which costs two garbage collections per test; set the system
 * property {@value #PER_TEST_PROPERTY}{@code =false} to check only after each test class. The
 * invocations of a fuzz test (tagged {@value #FUZZ_TAG}) are always checked after their class.
 */
public final class LeakGuardExtension implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

    /** The system property that turns off the check after every test. */
    public static final String PER_TEST_PROPERTY = "gatehouse.leakGuard.perTest";

    /** The tag of Jazzer's {@code @FuzzTest}, whose invocations are checked together after the class. */
    static final String FUZZ_TAG = "jazzer";

    /** Creates the extension; JUnit calls this. */
    public LeakGuardExtension() {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // Before the tests run, so reports made while they run are recorded too.
        LeakGuard.install();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        // A Jazzer fuzz test (tagged "jazzer") runs once per saved input: two collections each would
        // cost more than the inputs themselves. Such a test checks its own buffers per input; Netty's
        // reports are still checked after its class.
        if (Boolean.parseBoolean(System.getProperty(PER_TEST_PROPERTY, "true")) && !context.getTags().contains(FUZZ_TAG)) {
            LeakGuard.check("after test " + context.getDisplayName());
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        LeakGuard.check("after " + context.getDisplayName());
    }
}
