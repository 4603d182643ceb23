package dev.gatehouse.cli;

import dev.gatehouse.core.config.ConfigError;
import dev.gatehouse.core.config.ConfigException;
import dev.gatehouse.core.config.ConfigLoader;
import dev.gatehouse.core.config.GatehouseConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option, and how config errors are printed. */
final class ConfigArgs {

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The YAML configuration file.")
    Path file;

    /**
     * Loads the file, printing every error with its path to {@code err}.
     *
     * @return the configuration, or {@code null} after printing errors
     */
    GatehouseConfig load(PrintWriter err) {
        try {
            return ConfigLoader.load(file);
        } catch (ConfigException e) {
            err.println("gatehouse: " + file + ": " + e.errors().size() + (e.errors().size() == 1 ? " error" : " errors"));
            for (ConfigError error : e.errors()) {
                err.println("  " + error);
            }
            err.flush();
            return null;
        }
    }
}
