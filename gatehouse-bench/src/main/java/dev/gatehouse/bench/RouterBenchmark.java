package dev.gatehouse.bench;

import dev.gatehouse.core.config.RouteConfig;
import dev.gatehouse.core.route.Router;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Routing cost per request with a realistic handful of routes. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RouterBenchmark {

    private final Router router = Router.of(List.of(
            new RouteConfig(null, "/", "web"),
            new RouteConfig(null, "/api/", "api"),
            new RouteConfig(null, "/static/", "static"),
            new RouteConfig("admin.example.com", "/", "admin"),
            new RouteConfig("*.example.com", "/api/", "tenant-api")));

    /** Host header normalization plus the route lookup, as the data plane does per request. */
    @Benchmark
    public RouteConfig routeApiRequest() {
        return router.route(Router.normalizeHost("Shop.Example.com:8080"), "/api/v1/users/42");
    }

    /** A request that falls through to the catch-all route. */
    @Benchmark
    public RouteConfig routeCatchAll() {
        return router.route(Router.normalizeHost("www.other.test"), "/cart");
    }
}
