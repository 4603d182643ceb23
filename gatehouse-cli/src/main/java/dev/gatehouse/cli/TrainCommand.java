package dev.gatehouse.cli;

import dev.gatehouse.core.config.AccessLogConfig;
import dev.gatehouse.core.config.AdminConfig;
import dev.gatehouse.core.config.BackendConfig;
import dev.gatehouse.core.config.ForwardingConfig;
import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.config.LimitsConfig;
import dev.gatehouse.core.config.ListenerConfig;
import dev.gatehouse.core.config.PoolConfig;
import dev.gatehouse.core.config.RouteConfig;
import dev.gatehouse.core.config.Strategy;
import dev.gatehouse.core.config.TimeoutsConfig;
import dev.gatehouse.core.config.UpstreamConfig;
import dev.gatehouse.server.GatehouseServer;
import dev.gatehouse.server.demo.DemoBackends;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code gatehouse train-cli} (hidden): the run the launcher records the CLI's start-up archive
 * from (JDK 25's AOT cache, or CDS before it; see {@code bin/gatehouse}). It starts a node in this
 * process on loopback ports of its own (demo backends, an admin listener), runs the commands an
 * operator runs most against it (status, backend changes, a fast deploy and a rollback, reload's
 * refusal) exactly as the command line would, and stops it: the classes and the code those
 * commands need are then in the archive, loaded and linked before the next call's {@code main}.
 * Nothing is written but the archive; nothing leaves 127.0.0.1.
 */
@Command(name = "train-cli", hidden = true, description = "Exercise the CLI against an in-process node (for bin/gatehouse's start-up archive).")
final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        DemoBackends demo = DemoBackends.start(2);
        try {
            return train(demo);
        } finally {
            demo.close();
        }
    }

    /**
     * The node a training run starts in its own JVM: pool {@code web} (round robin) of the given
     * backends, all version {@code v1}, one listener and the admin API on loopback ports of their
     * own, no access log.
     */
    static GatehouseConfig trainingConfig(List<HostPort> backends) {
        return new GatehouseConfig(
                List.of(new ListenerConfig(new HostPort("127.0.0.1", 0), List.of(new RouteConfig(null, "/", "web")))),
                Map.of("web", new PoolConfig("web", Strategy.ROUND_ROBIN,
                        backends.stream().map(a -> new BackendConfig(a, 1, "v1")).toList())),
                TimeoutsConfig.DEFAULTS, LimitsConfig.DEFAULTS, UpstreamConfig.DEFAULTS, ForwardingConfig.DEFAULTS,
                new AccessLogConfig(false, "stdout"), new AdminConfig(new HostPort("127.0.0.1", 0), null, null, null));
    }

    /** One call and the exit code it should end with. */
    private record Call(int expected, List<String> args) {
    }

    private int train(DemoBackends demo) throws Exception {
        List<HostPort> addresses = demo.addresses();
        GatehouseServer node = GatehouseServer.start(trainingConfig(List.of(addresses.get(0))));
        int failed = 0;
        try {
            String admin = "http://127.0.0.1:" + node.adminPort();
            String second = addresses.get(1).toString();
            String first = addresses.get(0).toString();
            List<Call> calls = List.of(
                    new Call(0, List.of("status", "--admin", admin)),
                    new Call(0, List.of("status", "--admin", admin, "--json")),
                    new Call(0, List.of("backend", "add", "--admin", admin, "--pool", "web", "--address", second, "--version", "v2")),
                    new Call(0, List.of("backend", "weight", "--admin", admin, "--pool", "web", "--address", first, "--weight", "2")),
                    new Call(0, List.of("backend", "drain", "--admin", admin, "--pool", "web", "--address", first)),
                    new Call(0, List.of("backend", "ready", "--admin", admin, "--pool", "web", "--address", first)),
                    new Call(0, List.of("deploy", "--admin", admin, "--pool", "web", "--version", "v2", "--backend", second)),
                    // The deploy retired v1's backend: back in the pool, it can be rolled back to.
                    new Call(0, List.of("backend", "add", "--admin", admin, "--pool", "web", "--address", first, "--version", "v1")),
                    new Call(0, List.of("rollback", "--admin", admin, "--pool", "web")),
                    new Call(Main.EXIT_REJECTED, List.of("reload", "--admin", admin)),
                    new Call(Main.EXIT_UNREACHABLE, List.of("status", "--admin", "http://127.0.0.1:1")));
            for (Call call : calls) {
                StringWriter out = new StringWriter();
                // No environment: the recording must not depend on the user's GATEHOUSE_* variables.
                CommandLine cl = Main.commandLine(name -> null, call.args().get(0));
                cl.setOut(new PrintWriter(out));
                cl.setErr(new PrintWriter(out));
                int code = cl.execute(call.args().toArray(String[]::new));
                if (code != call.expected()) {
                    failed++;
                    spec.commandLine().getErr().println("gatehouse: train-cli: " + String.join(" ", call.args()) + " ended with "
                            + code + ", not " + call.expected() + ": " + out.toString().strip());
                }
            }
        } finally {
            node.close();
        }
        spec.commandLine().getOut().println("gatehouse: trained the CLI (" + failed + " of the calls failed)");
        return 0;
    }
}
