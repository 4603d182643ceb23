package dev.gatehouse.cli;

import dev.gatehouse.core.config.AdminConfig;
import dev.gatehouse.core.config.ConfigError;
import dev.gatehouse.core.config.ConfigException;
import dev.gatehouse.core.config.ConfigLoader;
import dev.gatehouse.core.config.HostPort;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Option;

/**
 * How the admin API commands find a node and prove who they are: the options they share, and the
 * order in which the address and the token are looked for.
 *
 * <p>Address: {@code --admin}, else {@code admin.bind} of the {@code --config} file, else
 * {@code $GATEHOUSE_ADMIN}, else {@code http://127.0.0.1:9090}. Token: {@code --token-file}, else
 * {@code admin.token_file} or {@code admin.token_env} of the {@code --config} file, else
 * {@code $GATEHOUSE_TOKEN}, else the file named by {@code $GATEHOUSE_TOKEN_FILE}, else none. The
 * token itself is never an option: command lines are visible to every user of the machine
 * ({@code ps}) and kept in shell histories.
 */
final class AdminArgs {

    /** Where a node's admin API listens when nothing says otherwise. */
    static final String DEFAULT_ADMIN = "http://127.0.0.1:9090";

    @Option(names = "--admin", paramLabel = "URL",
            description = "The node's admin API, e.g. http://127.0.0.1:9090 (default: --config's admin.bind, "
                    + "else $GATEHOUSE_ADMIN, else " + DEFAULT_ADMIN + ").")
    String admin;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "A file holding the admin token (default: --config's admin.token_file or admin.token_env, "
                    + "else $GATEHOUSE_TOKEN, else the file in $GATEHOUSE_TOKEN_FILE). "
                    + "The token itself is never taken from the command line.")
    Path tokenFile;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "The node's configuration file: its admin section says where the API is and where the token is.")
    Path config;

    @Option(names = "--json", description = "Print the admin API's JSON instead of text.")
    boolean json;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    /**
     * With {@code --json}: prints the admin API's answer as it came and flushes; the caller is
     * done then. Without it: prints nothing, and the caller prints its text.
     *
     * @return whether it printed (the command ran with {@code --json})
     */
    boolean printedJson(AdminClient.Response response, java.io.PrintWriter out) {
        if (json) {
            out.println(response.body().strip());
            out.flush();
        }
        return json;
    }

    private final Function<String, String> env;

    /** @param env the process environment ({@code System::getenv}; tests pass their own) */
    AdminArgs(Function<String, String> env) {
        this.env = Objects.requireNonNull(env, "env");
    }

    /** Where to connect and with which token. */
    record Endpoint(URI base, String token, String tokenSource) {
    }

    /**
     * Resolves the address and the token and opens a client.
     *
     * @throws CliFailure with {@link Main#EXIT_CONFIG} when an option, the config file or a token
     *                    file is wrong
     */
    AdminClient client() {
        AdminConfig fromConfig = null;
        if (config != null) {
            try {
                fromConfig = ConfigLoader.load(config).admin();
            } catch (ConfigException e) {
                throw new CliFailure(Main.EXIT_CONFIG, config + ": " + e.errors().stream()
                        .map(ConfigError::toString).collect(Collectors.joining("; ")));
            }
            if (!fromConfig.enabled()) {
                throw new CliFailure(Main.EXIT_CONFIG, config + ": the node has no admin listener (admin.bind)");
            }
        }
        return new AdminClient(resolve(admin, tokenFile, fromConfig, env));
    }

    /**
     * The endpoint from the options, the config file's admin section (null without
     * {@code --config}) and the environment, in the order the class comment gives.
     */
    static Endpoint resolve(String adminFlag, Path tokenFileFlag, AdminConfig fromConfig, Function<String, String> env) {
        URI base;
        if (adminFlag != null) {
            base = parseUrl(adminFlag, "--admin");
        } else if (fromConfig != null && fromConfig.bind() != null) {
            base = urlOf(fromConfig.bind());
        } else if (env.apply("GATEHOUSE_ADMIN") != null && !env.apply("GATEHOUSE_ADMIN").isBlank()) {
            base = parseUrl(env.apply("GATEHOUSE_ADMIN"), "$GATEHOUSE_ADMIN");
        } else {
            base = URI.create(DEFAULT_ADMIN);
        }
        if (tokenFileFlag != null) {
            return new Endpoint(base, readToken(tokenFileFlag, "--token-file"), "--token-file " + tokenFileFlag);
        }
        if (fromConfig != null && fromConfig.tokenFile() != null) {
            Path file = Path.of(fromConfig.tokenFile());
            return new Endpoint(base, readToken(file, "admin.token_file"), "admin.token_file " + file);
        }
        if (fromConfig != null && fromConfig.tokenEnv() != null) {
            String name = fromConfig.tokenEnv();
            String token = env.apply(name);
            if (token == null || token.isBlank()) {
                throw new CliFailure(Main.EXIT_CONFIG, "admin.token_env: $" + name + " is not set here (expected: the token)");
            }
            return new Endpoint(base, checkToken(token.strip(), "$" + name), "$" + name);
        }
        String token = env.apply("GATEHOUSE_TOKEN");
        if (token != null && !token.isBlank()) {
            return new Endpoint(base, checkToken(token.strip(), "$GATEHOUSE_TOKEN"), "$GATEHOUSE_TOKEN");
        }
        String file = env.apply("GATEHOUSE_TOKEN_FILE");
        if (file != null && !file.isBlank()) {
            return new Endpoint(base, readToken(Path.of(file), "$GATEHOUSE_TOKEN_FILE"), "$GATEHOUSE_TOKEN_FILE " + file);
        }
        return new Endpoint(base, null, null);
    }

    /** {@code http://host:port} for a bind address; a wildcard bind is reached on loopback. */
    static URI urlOf(HostPort bind) {
        String host = switch (bind.host()) {
            case "0.0.0.0" -> "127.0.0.1";
            case "::", "0:0:0:0:0:0:0:0" -> "::1";
            default -> bind.host();
        };
        return URI.create("http://" + new HostPort(host, bind.port()));
    }

    private static URI parseUrl(String text, String what) {
        String s = text.strip();
        if (!s.contains("://")) {
            s = "http://" + s;
        }
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        try {
            URI uri = new URI(s);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                    || (uri.getRawPath() != null && !uri.getRawPath().isEmpty()) || uri.getRawQuery() != null) {
                throw new URISyntaxException(s, "not a base URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new CliFailure(Main.EXIT_CONFIG, what + ": \"" + text + "\" (expected: a URL such as " + DEFAULT_ADMIN
                    + ", or host:port)");
        }
    }

    private static String readToken(Path file, String what) {
        String token;
        try {
            token = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new CliFailure(Main.EXIT_CONFIG, what + ": " + file + " cannot be read: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()) + " (expected: a readable file holding the token)");
        }
        if (token.isEmpty()) {
            throw new CliFailure(Main.EXIT_CONFIG, what + ": " + file + " is empty (expected: a file holding the token)");
        }
        return checkToken(token, what + " " + file);
    }

    /** A token goes into a header: one line of visible ASCII. Never echoed in a message. */
    private static String checkToken(String token, String what) {
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                throw new CliFailure(Main.EXIT_CONFIG, what + ": the token holds a space, a line break or a non-ASCII "
                        + "character (expected: one line of visible ASCII)");
            }
        }
        return token;
    }
}
