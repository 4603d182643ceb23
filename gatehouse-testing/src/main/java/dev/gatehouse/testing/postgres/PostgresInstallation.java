package dev.gatehouse.testing.postgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Finds the PostgreSQL server Debian's {@code postgresql} package installs: the newest
 * {@code /usr/lib/postgresql/VERSION/bin} that has {@code initdb} and {@code postgres}. Tests fail
 * (rather than skip) without one: {@code .ci/run} and {@code bin/test} install the package, so a
 * missing server is a broken machine, not a reason to prove nothing.
 */
public final class PostgresInstallation {

    private static final Path DEBIAN_BASE = Path.of("/usr/lib/postgresql");

    private PostgresInstallation() {
    }

    /**
     * The bin directory of the newest PostgreSQL server installed.
     *
     * @return a directory holding executable {@code initdb}, {@code postgres} and the client tools
     * @throws IllegalStateException when no server is installed, naming the Debian package to install
     */
    public static Path bin() {
        return bin(DEBIAN_BASE);
    }

    /** {@link #bin()} under another base directory than {@code /usr/lib/postgresql}. */
    static Path bin(Path base) {
        try (Stream<Path> versions = Files.isDirectory(base) ? Files.list(base) : Stream.empty()) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(bin -> Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("postgres")))
                    .max(Comparator.comparingInt((Path bin) -> majorVersion(bin.getParent().getFileName().toString())))
                    .orElseThrow(() -> new IllegalStateException("no PostgreSQL server in " + base + "/*/bin (initdb and postgres):"
                            + " the tests need Debian's postgresql (apt-get install postgresql;"
                            + " .ci/run and bin/test install it when missing)"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + base + ": " + e.getMessage(), e);
        }
    }

    /** Debian names the directories by major version ({@code 15}); anything else sorts first. */
    private static int majorVersion(String name) {
        try {
            return Integer.parseInt(name);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
