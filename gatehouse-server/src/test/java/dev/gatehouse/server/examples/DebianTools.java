package dev.gatehouse.server.examples;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Checks that the Debian packages an example's test needs are installed, and fails the test with
 * the package to install when one is not. The tests fail rather than skip: {@code .ci/run} and
 * {@code bin/test} install these packages, so a missing one is a broken machine, not a reason to
 * prove nothing. (PostgreSQL is found, and its package named, by gatehouse-testing's
 * {@code dev.gatehouse.testing.postgres.PostgresInstallation}.)
 */
final class DebianTools {

    /** Debian's Python, which sees the python3-* packages (a pyenv python3 first on PATH does not). */
    static final String PYTHON = "/usr/bin/python3";

    private DebianTools() {
    }

    /** Fails unless {@code /usr/bin/python3 -c "import MODULE"} works; {@code debianPackage} provides it. */
    static void requirePythonModule(String module, String debianPackage) {
        String command = PYTHON + " -c 'import " + module + "'";
        int status;
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import " + module).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(command + " did not finish in 30 s");
            }
            status = p.exitValue();
        } catch (IOException e) {
            throw new AssertionError(PYTHON + " cannot be started (" + e.getMessage() + "): install Debian's python3", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        if (status != 0) {
            fail(command + " failed: the example needs Debian's " + debianPackage
                    + " (apt-get install " + debianPackage + "; .ci/run and bin/test install it when missing)");
        }
    }

    /** Fails unless {@code program} is an executable file; {@code debianPackage} provides it. */
    static Path requireProgram(String program, String debianPackage) {
        Path p = Path.of(program);
        if (!Files.isExecutable(p)) {
            fail(program + " is missing: the example's test needs Debian's " + debianPackage
                    + " (apt-get install " + debianPackage + "; .ci/run and bin/test install it when missing)");
        }
        return p;
    }

    /** The directory {@code examples/NAME}, found from the module directory the test runs in. */
    static Path exampleDir(String name) {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path dir = d.resolve("examples").resolve(name);
            if (Files.isRegularFile(dir.resolve("gatehouse.yaml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("examples/" + name + "/gatehouse.yaml not found above " + Path.of("").toAbsolutePath());
    }
}
