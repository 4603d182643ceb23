package dev.gatehouse.server.proxy;

import dev.gatehouse.core.balance.Member;
import dev.gatehouse.core.balance.PickContext;
import dev.gatehouse.core.request.RetryPolicy;
import io.netty.handler.codec.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * What the balancer and the admission may read of a request ({@link PickContext}: the client's
 * address, the method, path and headers for hashing strategies) and the backends it already tried,
 * which a retry must not pick again. Loop-confined; read by the admission on the same loop.
 */
final class TriedBackends implements PickContext {

    private final HttpRequest request;
    private final ClientSide client;
    /** The client's address as text, made when first asked for (most strategies never ask). */
    private String clientAddress;
    private String path;
    /** The backends tried so far, the current one included; an immutable list replaced on each try. */
    private List<Member> tried = List.of();

    TriedBackends(HttpRequest request, ClientSide client) {
        this.request = request;
        this.client = client;
    }

    /** The path to hash on, once the target was checked. */
    void path(String path) {
        this.path = path;
    }

    /** A try on {@code m} starts. */
    void add(Member m) {
        if (tried.isEmpty()) {
            tried = List.of(m);
            return;
        }
        List<Member> out = new ArrayList<>(tried.size() + 1);
        out.addAll(tried);
        out.add(m);
        tried = List.copyOf(out);
    }

    /** The backends tried so far, in order; the first is the one whose version every retry keeps. */
    List<Member> list() {
        return tried;
    }

    boolean isEmpty() {
        return tried.isEmpty();
    }

    @Override
    public boolean excludes(Member m) {
        return RetryPolicy.excludes(tried, m);
    }

    @Override
    public String clientAddress() {
        if (clientAddress == null) {
            clientAddress = client.remoteAddress().getAddress().getHostAddress();
        }
        return clientAddress;
    }

    @Override
    public String method() {
        return request.method().name();
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String header(String name) {
        return request.headers().get(name);
    }
}
