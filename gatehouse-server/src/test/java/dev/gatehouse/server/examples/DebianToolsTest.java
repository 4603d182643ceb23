package dev.gatehouse.server.examples;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The examples' tests fail, naming the package to install, when one is missing: they cannot pass by skipping. */
final class DebianToolsTest {

    @Test
    void aPythonModuleThatIsNotInstalled_failsWithThePackageToInstall() {
        assertThatThrownBy(() -> DebianTools.requirePythonModule("gatehouse_no_such_module", "python3-gatehouse-nothing"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("/usr/bin/python3 -c 'import gatehouse_no_such_module' failed")
                .hasMessageContaining("apt-get install python3-gatehouse-nothing");
    }

    @Test
    void aProgramThatIsNotInstalled_failsWithThePackageToInstall() {
        assertThatThrownBy(() -> DebianTools.requireProgram("/usr/bin/gatehouse-no-such-program", "gatehouse-nothing"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("/usr/bin/gatehouse-no-such-program is missing")
                .hasMessageContaining("apt-get install gatehouse-nothing");
    }
}
