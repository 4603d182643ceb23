package dev.gatehouse.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Reads a YAML config file into a {@link GatehouseConfig}, checking all of it first.
 *
 * <p>The YAML becomes a tree; a walk over the tree checks every key and value against the schema
 * (see {@code docs/configuration.md}) and collects every error with its path, such as
 * {@code pools.web.backends[1].address: "localhost:99999" (expected: port 0-65535)}. The records
 * are built only when the walk found nothing wrong. Nothing escapes but a {@link ConfigException}.
 */
public final class ConfigLoader {

    /** The largest config accepted: 1 MiB, in bytes for a file and in characters for text. */
    static final int MAX_SIZE = 1024 * 1024;

    private ConfigLoader() {
    }

    /**
     * Reads and validates a YAML file; {@code ${VAR}} references resolve from {@link System#getenv}.
     *
     * @throws ConfigException with every error found, including a file that is missing, unreadable,
     *                         not UTF-8 or larger than 1 MiB
     */
    public static GatehouseConfig load(Path file) throws ConfigException {
        Objects.requireNonNull(file, "file");
        return parse(read(file), System::getenv);
    }

    /**
     * Parses and validates YAML text.
     *
     * @param yaml the config, at most 1 Mi characters
     * @param env  resolves the {@code VAR} of {@code ${VAR}}; returns {@code null} for an unset variable
     * @throws ConfigException with every error found, in document order as far as practical
     */
    public static GatehouseConfig parse(String yaml, Function<String, String> env) throws ConfigException {
        Objects.requireNonNull(yaml, "yaml");
        Objects.requireNonNull(env, "env");
        if (yaml.length() > MAX_SIZE) {
            throw error(yaml.length() + " characters (expected: at most 1 MiB)");
        }
        // A byte order mark is legal at the start of a YAML stream, but not every parser path skips it.
        String text = yaml.startsWith("\uFEFF") ? yaml.substring(1) : yaml;
        JsonNode root = YamlTree.parse(text);
        Values values = new Values(env);
        GatehouseConfig config = new ConfigWalker(values).walk(root);
        if (!values.errors().isEmpty()) {
            throw new ConfigException(values.errors());
        }
        return config;
    }

    private static String read(Path file) throws ConfigException {
        String name = Values.quote(file.toString());
        byte[] bytes;
        // Reads at most one byte past the limit: a huge file or a device is refused without reading it all.
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_SIZE + 1);
        } catch (NoSuchFileException e) {
            throw error(name + " does not exist (expected: a readable config file)");
        } catch (AccessDeniedException e) {
            throw error(name + " cannot be read: permission denied (expected: a readable config file)");
        } catch (IOException e) {
            throw error(name + " cannot be read: " + e.getMessage() + " (expected: a readable config file)");
        }
        if (bytes.length > MAX_SIZE) {
            throw error(name + " is larger than 1 MiB (expected: at most 1 MiB)");
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw error(name + " is not valid UTF-8 (expected: a UTF-8 text file)");
        }
    }

    private static ConfigException error(String message) {
        return new ConfigException(List.of(new ConfigError("", message)));
    }
}
