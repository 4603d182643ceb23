package dev.gatehouse.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads a listener's {@code tls} section. A map keeps the record's default for every key it leaves out. Part of {@link ConfigWalker}. */
final class TlsWalker {

    static final List<String> KEYS = List.of("certificates", "provider", "protocols", "ciphers", "session_tickets",
            "client_auth", "handshake_timeout");
    static final List<String> CERTIFICATE_KEYS = List.of("cert", "key", "ocsp");
    static final List<String> TICKET_KEYS = List.of("enabled", "rotate");
    static final List<String> CLIENT_AUTH_KEYS = List.of("mode", "ca", "subject_header");

    private final Values in;

    TlsWalker(Values in) {
        this.in = in;
    }

    TlsConfig tls(JsonNode node, String path) {
        Values.Fields fields = in.fields(node, path, KEYS);
        if (fields == null) {
            return null;
        }
        int mark = in.errorCount();
        List<TlsCertificateConfig> certificates = null;
        TlsConfig.Provider provider = TlsConfig.Provider.AUTO;
        List<String> protocols = TlsConfig.PROTOCOLS;
        List<String> ciphers = null;
        TlsConfig.SessionTickets tickets = TlsConfig.SessionTickets.DEFAULTS;
        ClientAuthConfig clientAuth = ClientAuthConfig.NONE;
        Duration handshakeTimeout = TlsConfig.DEFAULT_HANDSHAKE_TIMEOUT;
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "certificates" -> certificates = certificates(f.value(), f.path());
                case "provider" -> provider = provider(in.string(f.value(), f.path()), f.path());
                case "protocols" -> protocols = strings(f.value(), f.path(), "protocol names");
                case "ciphers" -> ciphers = strings(f.value(), f.path(), "cipher suite names");
                case "session_tickets" -> tickets = tickets(f.value(), f.path());
                case "client_auth" -> clientAuth = clientAuth(f.value(), f.path());
                case "handshake_timeout" -> handshakeTimeout = in.duration(f.value(), f.path());
                default -> in.unknown(f);
            }
        }
        if (!fields.has("certificates")) {
            in.missing(Paths.child(path, "certificates"), "a list of { cert, key }");
        }
        if (in.errorCount() != mark) {
            return null;
        }
        List<TlsCertificateConfig> c = certificates;
        TlsConfig.Provider p = provider;
        List<String> pr = protocols;
        List<String> ci = ciphers;
        TlsConfig.SessionTickets t = tickets;
        ClientAuthConfig ca = clientAuth;
        Duration h = handshakeTimeout;
        return in.build(path, KEYS, () -> new TlsConfig(c, p, pr, ci, t, ca, h));
    }

    private List<TlsCertificateConfig> certificates(JsonNode node, String path) {
        ArrayNode list = in.list(node, path, "certificates");
        if (list == null) {
            return null;
        }
        if (list.isEmpty()) {
            in.error(path, "[] (expected: at least one certificate)");
            return null;
        }
        int mark = in.errorCount();
        List<TlsCertificateConfig> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            out.add(certificate(list.get(i), Paths.index(path, i)));
        }
        return in.errorCount() == mark ? out : null;
    }

    private TlsCertificateConfig certificate(JsonNode node, String path) {
        Values.Fields fields = in.fields(node, path, CERTIFICATE_KEYS);
        if (fields == null) {
            return null;
        }
        int mark = in.errorCount();
        String cert = null;
        String key = null;
        String ocsp = null;
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "cert" -> cert = in.string(f.value(), f.path());
                case "key" -> key = in.string(f.value(), f.path());
                case "ocsp" -> ocsp = in.string(f.value(), f.path());
                default -> in.unknown(f);
            }
        }
        if (!fields.has("cert")) {
            in.missing(Paths.child(path, "cert"), "the path of a PEM certificate chain");
        }
        if (!fields.has("key")) {
            in.missing(Paths.child(path, "key"), "the path of a PEM private key");
        }
        if (in.errorCount() != mark) {
            return null;
        }
        String c = cert;
        String k = key;
        String o = ocsp;
        return in.build(path, CERTIFICATE_KEYS, () -> new TlsCertificateConfig(c, k, o));
    }

    private TlsConfig.Provider provider(String text, String path) {
        if (text == null) {
            return null;
        }
        return TlsConfig.Provider.byConfigName(text).orElseGet(() -> {
            in.error(path, Values.quote(text) + " (expected one of: auto, openssl, jdk)");
            return null;
        });
    }

    /** A list of strings; {@code what} names its items for the message. */
    private List<String> strings(JsonNode node, String path, String what) {
        ArrayNode list = in.list(node, path, what);
        if (list == null) {
            return null;
        }
        int mark = in.errorCount();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            out.add(in.string(list.get(i), Paths.index(path, i)));
        }
        return in.errorCount() == mark ? out : null;
    }

    /** {@code false}, {@code true} or a map with enabled and rotate. */
    private TlsConfig.SessionTickets tickets(JsonNode node, String path) {
        TlsConfig.SessionTickets d = TlsConfig.SessionTickets.DEFAULTS;
        if (node.isBoolean()) {
            return new TlsConfig.SessionTickets(node.booleanValue(), d.rotate());
        }
        Values.Fields fields = in.fields(node, path, TICKET_KEYS);
        if (fields == null) {
            return null;
        }
        int mark = in.errorCount();
        Boolean enabled = d.enabled();
        Duration rotate = d.rotate();
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "enabled" -> enabled = in.bool(f.value(), f.path());
                case "rotate" -> rotate = in.duration(f.value(), f.path());
                default -> in.unknown(f);
            }
        }
        if (in.errorCount() != mark) {
            return null;
        }
        boolean e = enabled;
        Duration r = rotate;
        return in.build(path, TICKET_KEYS, () -> new TlsConfig.SessionTickets(e, r));
    }

    private ClientAuthConfig clientAuth(JsonNode node, String path) {
        Values.Fields fields = in.fields(node, path, CLIENT_AUTH_KEYS);
        if (fields == null) {
            return null;
        }
        int mark = in.errorCount();
        ClientAuthConfig.Mode mode = ClientAuthConfig.Mode.NONE;
        String ca = null;
        String header = ClientAuthConfig.DEFAULT_SUBJECT_HEADER;
        for (Values.Field f : fields) {
            switch (f.key()) {
                case "mode" -> mode = mode(in.string(f.value(), f.path()), f.path());
                case "ca" -> ca = in.string(f.value(), f.path());
                case "subject_header" -> header = in.string(f.value(), f.path());
                default -> in.unknown(f);
            }
        }
        if (in.errorCount() != mark) {
            return null;
        }
        ClientAuthConfig.Mode m = mode;
        String c = ca;
        String h = header;
        return in.build(path, CLIENT_AUTH_KEYS, () -> new ClientAuthConfig(m, c, h));
    }

    private ClientAuthConfig.Mode mode(String text, String path) {
        if (text == null) {
            return null;
        }
        return ClientAuthConfig.Mode.byConfigName(text).orElseGet(() -> {
            in.error(path, Values.quote(text) + " (expected one of: none, optional, require)");
            return null;
        });
    }
}
