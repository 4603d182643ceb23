package dev.gatehouse.server.tls;

import dev.gatehouse.core.api.ListenerView;
import dev.gatehouse.core.config.ConfigError;
import dev.gatehouse.core.config.ConfigException;
import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.core.config.ListenerConfig;
import dev.gatehouse.core.state.ChangeRejected;
import dev.gatehouse.server.admin.TlsAdmin;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS of every listener of a node: loaded at start (a bad file stops the start with every
 * error and its path), reloaded with the config (every reload reads the files again, even when the
 * config text did not change) or alone ({@link #reloadCertificates}), rotated (ticket keys), and
 * shown (listener views, metrics). A reload reads and checks every file of every listener first;
 * only when all are good are the new sets swapped in, so a bad file changes nothing.
 *
 * <p>Threading: loads and reloads block on files, so they run on the control thread or SIGHUP's,
 * one at a time (synchronized on this); no event loop ever takes that lock. Handshakes read each
 * listener's current set without a lock; ticket keys rotate on a thread of their own
 * ({@link TicketRotation}), which never waits for a reload's file reads.
 */
public final class TlsListeners implements TlsAdmin {

    private static final Logger AUDIT = LoggerFactory.getLogger("gatehouse.audit");

    private final TlsListener[] listeners;
    /** Every listener's address as configured; a reload never changes them. */
    private final List<String> binds;
    /** The listeners' configuration whose files are in force, read again by {@link #reloadCertificates}; guarded by this. */
    private List<ListenerConfig> installed;
    /** The wall clock: certificates' validity and expiry. */
    private final Clock clock;
    private final TicketRotation rotation;

    private TlsListeners(TlsListener[] listeners, List<ListenerConfig> installed, Clock clock,
                         dev.gatehouse.core.time.Clock monotonic) {
        this.listeners = listeners;
        this.binds = installed.stream().map(l -> l.bind().toString()).toList();
        this.installed = installed;
        this.clock = clock;
        this.rotation = new TicketRotation(listeners, monotonic);
    }

    /**
     * Loads every TLS listener of {@code config}.
     *
     * @param offersH2 whether ALPN offers {@code h2} on a listener
     * @param clock     the wall clock, for certificates' validity and expiry
     * @param monotonic the clock ticket key rotation counts its periods on
     * @throws ConfigException with every bad file, naming its path and why
     */
    public static TlsListeners load(GatehouseConfig config, Predicate<ListenerConfig> offersH2, MeterRegistry registry,
                                    Clock clock, dev.gatehouse.core.time.Clock monotonic)
            throws ConfigException {
        List<ListenerConfig> ls = config.listeners();
        TlsListener[] out = new TlsListener[ls.size()];
        List<ConfigError> errors = new ArrayList<>();
        Instant now = clock.instant();
        List<CertificateSet> sets = new ArrayList<>();
        for (int i = 0; i < ls.size(); i++) {
            ListenerConfig l = ls.get(i);
            if (l.tls() == null) {
                sets.add(null);
                continue;
            }
            String label = l.bind().toString();
            out[i] = new TlsListener(i, label, offersH2.test(l), new TlsMeters(registry, label, clock));
            try {
                sets.add(out[i].prepare(l.tls(), now));
            } catch (TlsLoadException e) {
                errors.addAll(e.errors());
                sets.add(null);
            }
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        for (int i = 0; i < out.length; i++) {
            if (out[i] != null) {
                out[i].install(sets.get(i), now);
            }
        }
        return new TlsListeners(out, ls, clock, monotonic);
    }

    /** The TLS of listener {@code i}; null for a plaintext listener. */
    public TlsListener listener(int i) {
        return listeners[i];
    }

    /**
     * The reload's part: reads the TLS files of {@code applied} (the configuration a reload is about
     * to apply, with the listeners in force) and returns what swaps them in, to run once the reload
     * is published.
     *
     * @throws ChangeRejected when a file is bad; nothing changed
     */
    public synchronized Runnable prepareReload(GatehouseConfig applied) {
        List<CertificateSet> sets = prepareAll(applied.listeners());
        return () -> installAll(sets, applied.listeners());
    }

    /**
     * Reads the files of the listeners' configuration in force again and swaps them in.
     *
     * <p>That configuration is the one this last installed, kept here: asking the control plane
     * for it under this lock would deadlock with a config reload, which holds the control plane's
     * lock and then takes this one ({@link #prepareReload}).
     */
    @Override
    public synchronized List<String> reloadCertificates(String who) {
        List<CertificateSet> sets;
        try {
            sets = prepareAll(installed);
        } catch (ChangeRejected e) {
            AUDIT.info("who=\"{}\" what=\"tls reload\" result=\"rejected: {}\"", who, e.getMessage().replace("\"", "'"));
            throw e;
        }
        installAll(sets, installed);
        List<String> served = new ArrayList<>();
        for (CertificateSet s : sets) {
            if (s != null) {
                s.certificates().forEach(c -> served.add(c.label() + " until " + c.notAfter()));
            }
        }
        AUDIT.info("who=\"{}\" what=\"tls reload\" result=\"applied: {} certificates\"", who, served.size());
        return served;
    }

    private List<CertificateSet> prepareAll(List<ListenerConfig> ls) {
        List<CertificateSet> sets = new ArrayList<>();
        List<ConfigError> errors = new ArrayList<>();
        Instant now = clock.instant();
        for (int i = 0; i < listeners.length; i++) {
            ListenerConfig l = i < ls.size() ? ls.get(i) : null;
            if (listeners[i] == null || l == null || l.tls() == null) {
                sets.add(null);
                continue;
            }
            try {
                sets.add(listeners[i].prepare(l.tls(), now));
            } catch (TlsLoadException e) {
                errors.addAll(e.errors());
                sets.add(null);
            }
        }
        if (!errors.isEmpty()) {
            throw new ChangeRejected("tls", String.join("; ", errors.stream().map(ConfigError::toString).toList())
                    + "; nothing changed");
        }
        return sets;
    }

    private synchronized void installAll(List<CertificateSet> sets, List<ListenerConfig> from) {
        installed = from;
        Instant now = clock.instant();
        for (int i = 0; i < listeners.length; i++) {
            if (sets.get(i) != null) {
                listeners[i].install(sets.get(i), now);
            }
        }
    }

    /**
     * Starts the ticket key rotation on a thread of its own (never an event loop): a check every
     * second, a rotation when a listener's period has passed on the monotonic clock.
     */
    public void start() {
        rotation.start();
    }

    /** Stops the rotation. */
    public void stop() {
        rotation.stop();
    }

    /** The ticket key rotation, for tests. */
    TicketRotation rotation() {
        return rotation;
    }

    /** Built from the sets in force without a lock: cheap enough for the admin API's event loop. */
    @Override
    public List<ListenerView> listeners() {
        Instant now = clock.instant();
        List<ListenerView> views = new ArrayList<>();
        for (int i = 0; i < listeners.length; i++) {
            TlsListener l = listeners[i];
            String bind = binds.get(i);
            if (l == null) {
                views.add(new ListenerView(bind, false, null, List.of(), null, List.of()));
                continue;
            }
            CertificateSet set = l.current();
            List<ListenerView.Certificate> certs = new ArrayList<>();
            for (ServedCertificate c : set.certificates()) {
                Duration left = Duration.between(now, c.notAfter());
                String warning = left.compareTo(TlsListener.EXPIRY_WARNING) < 0
                        ? "expires in " + Math.max(0, left.toDays()) + " days: renew it and reload" : null;
                certs.add(new ListenerView.Certificate(c.file(), c.names(), c.notAfter().toString(), left.toSeconds(), warning));
            }
            views.add(new ListenerView(bind, true, set.provider().name().toLowerCase(Locale.ROOT), set.config().protocols(),
                    set.config().clientAuth().mode().configName(), certs));
        }
        return views;
    }
}
