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
import dev.gatehouse.core.state.StateStore;
import dev.gatehouse.server.demo.DemoBackends;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gatehouse demo}: a node on 127.0.0.1:8080 in front of three built-in demo backends. It keeps
 * no runtime state: nothing is written next to where it runs.
 */
@Command(name = "demo", description = "Run a node on 127.0.0.1:8080 in front of three built-in demo backends.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8080", description = "Port to listen on (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--admin-port", defaultValue = "9090",
            description = "Port of the admin API and /metrics on 127.0.0.1, for `gatehouse status` and friends; -1 for none (default: ${DEFAULT-VALUE}).")
    int adminPort;

    @Option(names = "--backends", defaultValue = "3", description = "How many demo backends (default: ${DEFAULT-VALUE}).")
    int backends;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (backends < 1 || backends > 20) {
            err.println("gatehouse: --backends " + backends + " (expected: 1-20)");
            return Main.EXIT_CONFIG;
        }
        DemoBackends demo = DemoBackends.start(backends);
        List<BackendConfig> pool = demo.addresses().stream()
                .map(a -> new BackendConfig(a, 1, "demo")).toList();
        GatehouseConfig config = new GatehouseConfig(
                List.of(new ListenerConfig(new HostPort("127.0.0.1", port), List.of(new RouteConfig(null, "/", "demo")))),
                Map.of("demo", new PoolConfig("demo", Strategy.ROUND_ROBIN, pool)),
                TimeoutsConfig.DEFAULTS, LimitsConfig.DEFAULTS, UpstreamConfig.DEFAULTS, ForwardingConfig.DEFAULTS,
                new AccessLogConfig(true, "stdout"),
                adminPort < 0 ? AdminConfig.DISABLED : new AdminConfig(new HostPort("127.0.0.1", adminPort), null, null, null));
        if (!Node.run(config, StateStore.NONE, null, err, demo)) {
            demo.close();
            return Main.EXIT_FAILURE;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%nGatehouse demo: http://127.0.0.1:%d/ in front of %d demo backends (%s)%n", port, backends,
                String.join(", ", demo.addresses().stream().map(HostPort::toString).toList()));
        out.println("Try:");
        out.printf("  for i in 1 2 3 4 5 6; do curl -s http://127.0.0.1:%d/hello | head -n 1; done   # round robin%n", port);
        out.printf("  curl -i http://127.0.0.1:%d/                                                   # headers: Via, X-Request-Id%n", port);
        out.printf("  curl -s -H 'X-Request-Id: my-trace-1' http://127.0.0.1:%d/                     # your request id is passed on%n", port);
        if (adminPort >= 0) {
            String admin = adminPort == 9090 ? "" : " --admin http://127.0.0.1:" + adminPort;
            out.printf("  bin/gatehouse status%s                                        # pools, backends, health%n", admin);
            out.printf("  bin/gatehouse backend drain%s --pool demo --address %s%n", admin, demo.addresses().get(0));
            out.printf("  curl -s http://127.0.0.1:%d/metrics | grep gatehouse_requests_total%n", adminPort);
            out.printf("  open http://127.0.0.1:%d/ui/ in a browser                                       # the live dashboard%n", adminPort);
        }
        out.println("Each request prints one JSON access log line below. Stop with Ctrl-C (in-flight requests finish first).");
        out.println();
        out.flush();
        return RunCommand.markServing();
    }
}
