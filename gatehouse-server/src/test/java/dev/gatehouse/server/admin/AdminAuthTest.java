package dev.gatehouse.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gatehouse.core.config.AdminConfig;
import dev.gatehouse.core.config.ConfigException;
import dev.gatehouse.core.config.HostPort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class AdminAuthTest {

    private static final HostPort ANY = new HostPort("0.0.0.0", 9090);

    @Test
    void noToken_allowsEveryRequest() {
        AdminAuth auth = AdminAuth.none();

        assertThat(auth.required()).isFalse();
        assertThat(auth.check(List.of())).isEqualTo(AdminAuth.Verdict.ALLOWED);
        assertThat(auth.check(List.of("Bearer anything"))).isEqualTo(AdminAuth.Verdict.ALLOWED);
    }

    @Test
    void token_needsExactlyOneBearerHeaderWithIt() {
        AdminAuth auth = AdminAuth.token("0123456789abcdef");

        assertThat(auth.required()).isTrue();
        assertThat(auth.check(List.of())).isEqualTo(AdminAuth.Verdict.MISSING);
        assertThat(auth.check(List.of("Bearer 0123456789abcdef"))).isEqualTo(AdminAuth.Verdict.ALLOWED);
        assertThat(auth.check(List.of("bearer   0123456789abcdef "))).isEqualTo(AdminAuth.Verdict.ALLOWED);
        assertThat(auth.check(List.of("Bearer 0123456789abcde"))).isEqualTo(AdminAuth.Verdict.WRONG);
        assertThat(auth.check(List.of("Bearer 0123456789abcdefg"))).isEqualTo(AdminAuth.Verdict.WRONG);
        assertThat(auth.check(List.of("Basic MDEyMzQ1Njc4OWFiY2RlZg=="))).isEqualTo(AdminAuth.Verdict.WRONG);
        assertThat(auth.check(List.of("0123456789abcdef"))).isEqualTo(AdminAuth.Verdict.WRONG);
        assertThat(auth.check(List.of("Bearer"))).isEqualTo(AdminAuth.Verdict.WRONG);
        assertThat(auth.check(List.of("Bearer 0123456789abcdef", "Bearer 0123456789abcdef"))).isEqualTo(AdminAuth.Verdict.WRONG);
    }

    @Test
    void load_readsTheFileTrimmed(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("t"), "\n  0123456789abcdef \n");

        AdminAuth auth = AdminAuth.load(new AdminConfig(ANY, file.toString(), null, null), name -> null);

        assertThat(auth.check(List.of("Bearer 0123456789abcdef"))).isEqualTo(AdminAuth.Verdict.ALLOWED);
    }

    @Test
    void load_readsTheEnvironmentVariable() throws Exception {
        AdminAuth auth = AdminAuth.load(new AdminConfig(ANY, null, "TOKEN", null), Map.of("TOKEN", "0123456789abcdef")::get);

        assertThat(auth.check(List.of("Bearer 0123456789abcdef"))).isEqualTo(AdminAuth.Verdict.ALLOWED);
    }

    @Test
    void load_withoutATokenConfigured_requiresNone() throws Exception {
        assertThat(AdminAuth.load(AdminConfig.DEFAULTS, name -> "x").required()).isFalse();
    }

    @Test
    void load_emptyMissingOrUnsendableTokens_areConfigErrors(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), "  \n");
        Path spaced = Files.writeString(dir.resolve("spaced"), "two words");
        Path missing = dir.resolve("missing");

        assertThat(error(new AdminConfig(ANY, empty.toString(), null, null), Map.of()))
                .isEqualTo("admin.token_file: \"" + empty + "\" is empty (expected: the admin token)");
        assertThat(error(new AdminConfig(ANY, missing.toString(), null, null), Map.of()))
                .isEqualTo("admin.token_file: \"" + missing + "\" does not exist (expected: a readable file holding the admin token)");
        assertThat(error(new AdminConfig(ANY, spaced.toString(), null, null), Map.of()))
                .startsWith("admin.token_file: \"" + spaced + "\" holds a token with spaces");
        assertThat(error(new AdminConfig(ANY, null, "TOKEN", null), Map.of()))
                .isEqualTo("admin.token_env: TOKEN is not set (expected: the admin token)");
        assertThat(error(new AdminConfig(ANY, null, "TOKEN", null), Map.of("TOKEN", " ")))
                .isEqualTo("admin.token_env: TOKEN is empty (expected: the admin token)");
    }

    private static String error(AdminConfig config, Map<String, String> env) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> AdminAuth.load(config, env::get));
        assertThat(e).isNotNull();
        return e.getMessage();
    }
}
