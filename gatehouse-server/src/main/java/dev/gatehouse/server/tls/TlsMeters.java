package dev.gatehouse.server.tls;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A TLS listener's meters: {@code gatehouse_tls_handshakes_total{listener,version,result}},
 * {@code gatehouse_tls_certificate_expiry_seconds{listener,index,certificate}} (index: the place in
 * {@code certificates}, which tells apart two certificates with the same first name) and
 * {@code gatehouse_tls_certificates_expiring{listener}} (those within 14 days of expiry), and
 * {@code gatehouse_tls_ocsp_expiry_seconds{listener,index,certificate}} for each stapled OCSP
 * response that has a {@code nextUpdate}.
 * Counting a handshake is a field read and an increment. Thread-safe.
 */
final class TlsMeters {

    static final String HANDSHAKES = "gatehouse.tls.handshakes";
    static final String EXPIRY = "gatehouse.tls.certificate.expiry.seconds";
    static final String EXPIRING = "gatehouse.tls.certificates.expiring";
    static final String OCSP_EXPIRY = "gatehouse.tls.ocsp.expiry.seconds";

    private final MeterRegistry registry;
    private final Clock clock;
    private final Counter tls12;
    private final Counter tls13;
    private final Counter failed;
    /** Guarded by this. */
    private final List<Meter> expiry = new ArrayList<>();

    TlsMeters(MeterRegistry registry, String listener, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        this.tls12 = handshakes(listener, "TLSv1.2", "success");
        this.tls13 = handshakes(listener, "TLSv1.3", "success");
        this.failed = handshakes(listener, "none", "failure");
    }

    private Counter handshakes(String listener, String version, String result) {
        return Counter.builder(HANDSHAKES).tag("listener", listener).tag("version", version).tag("result", result)
                .description("TLS handshakes by result and negotiated version").register(registry);
    }

    void succeeded(String protocol) {
        if ("TLSv1.3".equals(protocol)) {
            tls13.increment();
        } else {
            tls12.increment();
        }
    }

    void failed() {
        failed.increment();
    }

    /** Follows a new certificate set: one expiry gauge per certificate. */
    synchronized void certificates(String listener, CertificateSet set) {
        expiry.forEach(registry::remove);
        expiry.clear();
        for (ServedCertificate c : set.certificates()) {
            expiry.add(Gauge.builder(EXPIRY, () -> Duration.between(clock.instant(), c.notAfter()).toSeconds())
                    .tag("listener", listener).tag("index", Integer.toString(c.index())).tag("certificate", c.label())
                    .description("Seconds until the certificate expires (negative once expired)")
                    .strongReference(true).register(registry));
            if (c.ocspNextUpdate() != null) {
                expiry.add(Gauge.builder(OCSP_EXPIRY, () -> Duration.between(clock.instant(), c.ocspNextUpdate()).toSeconds())
                        .tag("listener", listener).tag("index", Integer.toString(c.index())).tag("certificate", c.label())
                        .description("Seconds until the stapled OCSP response's nextUpdate (negative once stale): refresh it before")
                        .strongReference(true).register(registry));
            }
        }
        expiry.add(Gauge.builder(EXPIRING, () -> set.certificates().stream()
                        .filter(c -> Duration.between(clock.instant(), c.notAfter()).compareTo(TlsListener.EXPIRY_WARNING) < 0)
                        .count())
                .tag("listener", listener)
                .description("Certificates of the listener that expire within 14 days")
                .strongReference(true).register(registry));
    }
}
