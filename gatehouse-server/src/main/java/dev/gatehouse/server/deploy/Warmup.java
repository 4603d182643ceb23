package dev.gatehouse.server.deploy;

import dev.gatehouse.core.config.HostPort;
import dev.gatehouse.core.state.PoolSnapshot;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A deploy's warm-up: requests sent to the new version's backends before they take traffic. */
final class Warmup {

    private static final Logger LOG = LoggerFactory.getLogger(Warmup.class);

    private Warmup() {
    }

    /**
     * Sends the warm-up requests to the new backends in turn (the pool's health-check path, else
     * {@code /}), one at a time on this thread, each bounded by 5 s.
     *
     * @return how many got a response (any status: they warmed the app up either way)
     */
    static int send(PoolSnapshot p, List<HostPort> backends, int requests) {
        var check = p.config().health().check();
        String path = check != null && check.type() == dev.gatehouse.core.config.HealthCheckConfig.Type.HTTP ? check.path() : "/";
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .connectTimeout(java.time.Duration.ofSeconds(2)).version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        int done = 0;
        for (int i = 0; i < requests && !Thread.currentThread().isInterrupted(); i++) {
            HostPort b = backends.get(i % backends.size());
            try {
                var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + b + path))
                        .timeout(java.time.Duration.ofSeconds(5)).header("User-Agent", "gatehouse-warmup").GET().build();
                client.send(request, java.net.http.HttpResponse.BodyHandlers.discarding());
                done++;
            } catch (IOException e) {
                LOG.debug("warm-up request to {} failed: {}", b, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return done;
    }
}
