package dev.gatehouse.server.tls;

import dev.gatehouse.core.config.TlsConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS of one listener: the certificate set new handshakes use (one reference, swapped whole by
 * a reload; connections keep the context they shook hands with), its session ticket keys and its
 * meters. Thread-safe.
 */
public final class TlsListener {

    /** A certificate this close to its expiry is a warning in the log, the status and the metrics. */
    public static final Duration EXPIRY_WARNING = Duration.ofDays(14);

    private static final Logger LOG = LoggerFactory.getLogger(TlsListener.class);

    private final int index;
    private final String label;
    private final boolean offerH2;
    private final AtomicReference<CertificateSet> current = new AtomicReference<>();
    private final TicketKeys tickets = new TicketKeys();
    private final TlsMeters meters;

    TlsListener(int index, String label, boolean offerH2, TlsMeters meters) {
        this.index = index;
        this.label = label;
        this.offerH2 = offerH2;
        this.meters = meters;
    }

    /** The set new handshakes choose from. */
    public CertificateSet current() {
        return current.get();
    }

    /** The listener's place in the config. */
    public int index() {
        return index;
    }

    /** The listener as metrics and logs name it: its configured bind address. */
    public String label() {
        return label;
    }

    /** Whether ALPN offers {@code h2}. */
    public boolean offersH2() {
        return offerH2;
    }

    /** The handshake counters. */
    TlsMeters meters() {
        return meters;
    }

    /** Reads the files of {@code config} and builds a set, without installing it. */
    CertificateSet prepare(TlsConfig config, Instant now) throws TlsLoadException {
        return TlsContexts.build(config, "listeners[" + index + "].tls", offerH2, now);
    }

    /** Makes {@code next} the set of new handshakes; logs what it serves and warns of close expiries. */
    synchronized void install(CertificateSet next, Instant now) {
        if (next.config().sessionTickets().enabled()) {
            tickets.applyTo(next);
        }
        current.set(next);
        meters.certificates(label, next);
        for (ServedCertificate c : next.certificates()) {
            Duration left = Duration.between(now, c.notAfter());
            if (left.compareTo(EXPIRY_WARNING) < 0) {
                LOG.warn("listener {}: the certificate {} ({}) expires on {}, in {} days: renew it and reload",
                        label, c.label(), c.file(), c.notAfter(), left.toDays());
            } else {
                LOG.info("listener {}: serving the certificate {} ({}), names {}, expires {} ({} provider)", label,
                        c.label(), c.file(), c.names(), c.notAfter(), next.provider().name().toLowerCase(java.util.Locale.ROOT));
            }
        }
    }

    /** How many ticket keys decrypt now: 1 before the first rotation, then 2. */
    int ticketKeys() {
        return tickets.size();
    }

    /** A new ticket key encrypts from now on (OpenSSL provider; nothing to do for the JDK's). */
    synchronized void rotateTickets() {
        CertificateSet set = current.get();
        if (set != null && set.config().sessionTickets().enabled()) {
            tickets.rotate();
            tickets.applyTo(set);
        }
    }
}
