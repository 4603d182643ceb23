package dev.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.core.config.AdminConfig;
import dev.gatehouse.core.config.HostPort;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the admin commands look for the node and the token, and in which order. */
final class AdminArgsTest {

    @TempDir
    Path dir;

    @Test
    void nothingGiven_isLoopback9090WithoutAToken() {
        AdminArgs.Endpoint e = AdminArgs.resolve(null, null, null, Map.<String, String>of()::get);
        assertThat(e.base()).isEqualTo(URI.create("http://127.0.0.1:9090"));
        assertThat(e.token()).isNull();
    }

    @Test
    void theConfigFile_givesTheBindAndTheTokenFile_overTheEnvironment() throws Exception {
        Path token = Files.writeString(dir.resolve("admin.token"), "from-config-file\n");
        AdminConfig admin = new AdminConfig(HostPort.parse("10.1.2.3:9191"), token.toString(), null, null);

        AdminArgs.Endpoint e = AdminArgs.resolve(null, null, admin,
                Map.of("GATEHOUSE_ADMIN", "http://elsewhere:1", "GATEHOUSE_TOKEN", "from-env")::get);

        assertThat(e.base()).isEqualTo(URI.create("http://10.1.2.3:9191"));
        assertThat(e.token()).isEqualTo("from-config-file");
        assertThat(e.tokenSource()).startsWith("admin.token_file");
    }

    @Test
    void theConfigFile_tokenEnv_isReadFromThatVariable() {
        AdminConfig admin = new AdminConfig(HostPort.parse("127.0.0.1:9090"), null, "GH_ADMIN_TOKEN", null);

        assertThat(AdminArgs.resolve(null, null, admin, Map.of("GH_ADMIN_TOKEN", "t0ken")::get).token()).isEqualTo("t0ken");
        assertThatThrownBy(() -> AdminArgs.resolve(null, null, admin, Map.<String, String>of()::get))
                .isInstanceOfSatisfying(CliFailure.class, f -> assertThat(f.exitCode()).isEqualTo(2))
                .hasMessageContaining("$GH_ADMIN_TOKEN is not set");
    }

    @Test
    void aWildcardBind_isReachedOnLoopback() {
        assertThat(AdminArgs.urlOf(HostPort.parse("0.0.0.0:9090"))).isEqualTo(URI.create("http://127.0.0.1:9090"));
        assertThat(AdminArgs.urlOf(HostPort.parse("[::]:9090"))).isEqualTo(URI.create("http://[::1]:9090"));
    }

    @Test
    void flags_winOverTheConfigFile() throws Exception {
        Path flagToken = Files.writeString(dir.resolve("flag.token"), "from-flag");
        AdminConfig admin = new AdminConfig(HostPort.parse("10.1.2.3:9191"), null, "UNSET_VAR", null);

        AdminArgs.Endpoint e = AdminArgs.resolve("https://lb.example:8443", flagToken, admin, Map.<String, String>of()::get);

        assertThat(e.base()).isEqualTo(URI.create("https://lb.example:8443"));
        assertThat(e.token()).isEqualTo("from-flag");
    }

    @Test
    void aTokenWithASpaceInside_isRefusedWithoutShowingIt() throws Exception {
        Path token = Files.writeString(dir.resolve("t"), "two words");
        assertThatThrownBy(() -> AdminArgs.resolve(null, token, null, Map.<String, String>of()::get))
                .isInstanceOf(CliFailure.class)
                .hasMessageContaining("(expected: one line of visible ASCII)")
                .hasMessageNotContaining("two words");
    }
}
