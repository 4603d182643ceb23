package dev.gatehouse.core.balance;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** A request for balancers: a client address, a path and headers (names case-insensitive). */
record TestRequest(String clientAddress, String method, String path, Map<String, String> headers) implements PickContext {

    static final TestRequest ANY = from("127.0.0.1");

    static TestRequest from(String clientAddress) {
        return new TestRequest(clientAddress, "GET", "/", Map.of());
    }

    TestRequest withPath(String path) {
        return new TestRequest(clientAddress, method, path, headers);
    }

    TestRequest withHeader(String name, String value) {
        Map<String, String> h = new HashMap<>(headers);
        h.put(name.toLowerCase(Locale.ROOT), value);
        return new TestRequest(clientAddress, method, path, h);
    }

    @Override
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }
}
