package dev.gatehouse.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gatehouse.core.api.ApiInputException;
import dev.gatehouse.core.config.HostPort;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class AdminRouterTest {

    @Test
    void route_matchesTemplates_andChecksTheSegments() {
        assertThat(AdminRouter.route(HttpMethod.GET, "/api/v1/node"))
                .isEqualTo(new AdminRouter.Route(Endpoint.NODE, null, null));
        assertThat(AdminRouter.route(HttpMethod.GET, "/api/v1/pools/web?verbose=1"))
                .isEqualTo(new AdminRouter.Route(Endpoint.POOL, "web", null));
        assertThat(AdminRouter.route(HttpMethod.POST, "/api/v1/pools/web/backends/10.0.0.1:8001/drain"))
                .isEqualTo(new AdminRouter.Route(Endpoint.DRAIN, "web", new HostPort("10.0.0.1", 8001)));
        assertThat(AdminRouter.route(HttpMethod.DELETE, "/api/v1/pools/web/backends/%5B::1%5D:8001"))
                .isEqualTo(new AdminRouter.Route(Endpoint.BACKEND, "web", new HostPort("::1", 8001)));
        assertThat(AdminRouter.route(HttpMethod.GET, "/api/v1/pools/web/backends/[::1]:8001").address())
                .isEqualTo(new HostPort("::1", 8001));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/api", "/api/v1/pools/", "/api/v1//node", "/api/v1/node/", "/api/v1/pools/web/backends/a:1/drain/x",
            "api/v1/node", "http://x/api/v1/node"})
    void route_pathThatIsNoEndpoint_is404(String path) {
        AdminProblem p = catchThrowableOfType(AdminProblem.class, () -> AdminRouter.route(HttpMethod.GET, path));

        assertThat(p).as(path).isNotNull();
        assertThat(p.status()).isEqualTo(HttpResponseStatus.NOT_FOUND);
    }

    @Test
    void route_wrongMethod_is405_withWhatIsAllowed() {
        AdminProblem p = catchThrowableOfType(AdminProblem.class,
                () -> AdminRouter.route(HttpMethod.PUT, "/api/v1/pools/web/backends/10.0.0.1:80"));

        assertThat(p.status()).isEqualTo(HttpResponseStatus.METHOD_NOT_ALLOWED);
        assertThat(p.allow()).isEqualTo("GET, DELETE");
    }

    @Test
    void route_badSegments_are400_namingThem() {
        assertThat(input(HttpMethod.GET, "/api/v1/pools/Web").field()).isEqualTo("pool");
        assertThat(input(HttpMethod.GET, "/api/v1/pools/w%zzb").getMessage())
                .isEqualTo("pool: \"w%zzb\" (expected: %XX escapes with two hex digits)");
        assertThat(input(HttpMethod.GET, "/api/v1/pools/w%ff").getMessage())
                .isEqualTo("pool: \"w%ff\" (expected: percent-encoded UTF-8)");
        assertThat(input(HttpMethod.POST, "/api/v1/pools/web/backends/10.0.0.1/drain").field()).isEqualTo("address");
        assertThat(input(HttpMethod.POST, "/api/v1/pools/web/backends/10.0.0.1:0/drain").getMessage())
                .isEqualTo("address: \"10.0.0.1:0\" (expected: port 1-65535)");
        assertThat(input(HttpMethod.POST, "/api/v1/pools/web/backends/a%0Ab:80/drain").getMessage())
                .startsWith("address: \"a\\u000ab:80\" (expected: host:port with a host name or IP address");
    }

    @Test
    void decode_keepsPlusSigns() {
        assertThat(AdminRouter.decode("a+b%20c", "x")).isEqualTo("a+b c");
    }

    private static ApiInputException input(HttpMethod method, String uri) {
        ApiInputException e = catchThrowableOfType(ApiInputException.class, () -> AdminRouter.route(method, uri));
        assertThat(e).as(uri).isNotNull();
        return e;
    }
}
