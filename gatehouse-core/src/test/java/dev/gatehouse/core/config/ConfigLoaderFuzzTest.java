package dev.gatehouse.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the config loader ({@link ConfigLoader#parse}: {@link YamlTree} and the walkers) with
 * arbitrary text.
 *
 * <p>Invariants: the text becomes either a {@link GatehouseConfig} or a {@link ConfigException},
 * never another exception; the exception lists at least one error, and each error, path included,
 * is one printable line (no control character a terminal would act on, whatever the input held)
 * in the config errors' grammar ({@code what was there (expected: what fits)}); the same text
 * gives the same answer twice; no input takes long (the
 * {@link Timeout} is also libFuzzer's per-input timeout when fuzzing). Inputs are bounded to 64 KiB,
 * far past any real config's structure, so that a slow input is the parser's fault, not its size's.
 */
final class ConfigLoaderFuzzTest {

    private static final int MAX_INPUT = 64 * 1024;
    private static final Map<String, String> ENV = Map.of("PORT", "8080", "HOST", "127.0.0.1", "EMPTY", "");
    private static final Function<String, String> LOOKUP = ENV::get;

    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    @DictionaryEntries({"listeners:", "pools:", "routes:", "bind: ", "pool: ", "backends:", "strategy: ", "timeouts:",
        "limits:", "upstream:", "forwarding:", "access_log:", "admin:", "apps:", "health:", "health_check:", "retries:",
        "sticky:", "admission:", "queue:", "tunnels:", "databases:", "servers:", "users:", "auth: trust", "${PORT}", "${X:-y}", "&a ", "*a", "!!binary ", "---", "? ",
        "- ", "{", "}", "[", "]"})
    void anyText_isAConfigOrErrorsWithPaths(byte[] input) {
        if (input.length > MAX_INPUT) {
            return;
        }
        String yaml = new String(input, StandardCharsets.UTF_8);
        Object first = load(yaml);
        if (first instanceof ConfigException e) {
            assertThat(e.errors()).isNotEmpty();
            for (ConfigError error : e.errors()) {
                assertThat(error.message()).as("error message").isNotBlank().contains("(expected");
                assertThat(printable(error.toString())).as("error %s is printable on one line", error).isTrue();
            }
        } else {
            assertThat(first).isInstanceOf(GatehouseConfig.class);
        }
        Object second = load(yaml);
        assertThat(describe(second)).as("the same text read again").isEqualTo(describe(first));
    }

    /** No control character (C0, DEL, C1): a message is shown on a terminal and in logs as it is. */
    private static boolean printable(String s) {
        return s.chars().noneMatch(Character::isISOControl);
    }

    /** The config, or the ConfigException; any other throwable escapes and is a finding. */
    private static Object load(String yaml) {
        try {
            return ConfigLoader.parse(yaml, LOOKUP);
        } catch (ConfigException e) {
            return e;
        }
    }

    private static String describe(Object result) {
        return result instanceof ConfigException e ? e.errors().toString() : String.valueOf(result);
    }
}
