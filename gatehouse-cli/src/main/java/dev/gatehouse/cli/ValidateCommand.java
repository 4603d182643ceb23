package dev.gatehouse.cli;

import dev.gatehouse.core.config.GatehouseConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gatehouse validate --config FILE}: checks a config file whole without starting anything. */
@Command(name = "validate", description = "Check a configuration file and report every error with its path.")
final class ValidateCommand implements Callable<Integer> {

    @Mixin
    ConfigArgs config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        GatehouseConfig c = config.load(spec.commandLine().getErr());
        if (c == null) {
            return Main.EXIT_CONFIG;
        }
        long backends = c.pools().values().stream().mapToLong(p -> p.backends().size()).sum();
        spec.commandLine().getOut().printf("%s: OK (%d listeners, %d pools, %d backends)%n",
                config.file, c.listeners().size(), c.pools().size(), backends);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
