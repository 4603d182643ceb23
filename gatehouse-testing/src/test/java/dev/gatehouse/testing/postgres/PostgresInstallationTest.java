package dev.gatehouse.testing.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class PostgresInstallationTest {

    @TempDir
    Path base;

    @Test
    void noServerInstalled_failsNamingTheDebianPackage() {
        assertThatThrownBy(() -> PostgresInstallation.bin(base.resolve("missing")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no PostgreSQL server in " + base.resolve("missing") + "/*/bin")
                .hasMessageContaining("apt-get install postgresql");
    }

    @Test
    void aVersionWithoutItsServerPrograms_doesNotCount() throws IOException {
        Files.createDirectories(base.resolve("16/bin"));
        program(base.resolve("16/bin/psql"));

        assertThatThrownBy(() -> PostgresInstallation.bin(base)).hasMessageContaining("apt-get install postgresql");
    }

    @Test
    void severalVersions_theNewestByNumberWins() throws IOException {
        for (String version : new String[] {"9", "15", "13"}) {
            program(base.resolve(version + "/bin/initdb"));
            program(base.resolve(version + "/bin/postgres"));
        }

        assertThat(PostgresInstallation.bin(base)).isEqualTo(base.resolve("15/bin"));
    }

    @Test
    void theMachinesServer_isFound() {
        assertThat(PostgresInstallation.bin().resolve("initdb")).isExecutable();
    }

    private static void program(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
