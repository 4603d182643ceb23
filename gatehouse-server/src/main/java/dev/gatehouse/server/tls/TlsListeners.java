package dev.gatehouse.server.tls;

import dev.gatehouse.core.api.ListenerView;
import dev.gatehouse.core.config.ConfigError;
import dev.gatehouse.core.config.ConfigException;
import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.core.config.ListenerConfig;
import dev.gatehouse.core.state.ChangeRejected;
import dev.gatehouse.server.admin.TlsAdmin;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
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
 * one at a time (synchronized); handshakes read each listener's current set without a lock.
 */
public final class TlsListeners implements TlsAdmin {

    private static final Logger AUDIT = LoggerFactory.getLogger("gatehouse.audit");

    private final TlsListener[] listeners;
    /** Every listener's address as configured; a reload never changes them. */
    private final List<String> binds;
    private final Supplier<GatehouseConfig> inForce;
    private final Clock clock;
    /** When each listener's ticket key last changed, on the wall clock; guarded by this. */
    private final Instant[] rotated;
    private ScheduledFuture<?> rotation;

    private TlsListeners(TlsListener[] listeners, List<String> binds, Supplier<GatehouseConfig> inForce, Clock clock) {
        this.listeners = listeners;
        this.binds = List.copyOf(binds);
        this.inForce = inForce;
        this.clock = clock;
        this.rotated = new Instant[listeners.length];
        Arrays.fill(rotated, clock.instant());
    }

    /**
     * Loads every TLS listener of {@code config}.
     *
     * @param offersH2 whether ALPN offers {@code h2} on a listener
     * @param inForce  the configuration in force, read by {@link #reloadCertificates}
     * @throws ConfigException with every bad file, naming its path and why
     */
    public static TlsListeners load(GatehouseConfig config, Predicate<ListenerConfig> offersH2, MeterRegistry registry,
                                    Supplier<GatehouseConfig> inForce, Clock clock) throws ConfigException {
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
        return new TlsListeners(out, ls.stream().map(l -> l.bind().toString()).toList(), inForce, clock);
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
        return () -> installAll(sets);
    }

    @Override
    public synchronized List<String> reloadCertificates(String who) {
        List<CertificateSet> sets;
        try {
            sets = prepareAll(inForce.get().listeners());
        } catch (ChangeRejected e) {
            AUDIT.info("who=\"{}\" what=\"tls reload\" result=\"rejected: {}\"", who, e.getMessage().replace("\"", "'"));
            throw e;
        }
        installAll(sets);
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

    private synchronized void installAll(List<CertificateSet> sets) {
        Instant now = clock.instant();
        for (int i = 0; i < listeners.length; i++) {
            if (sets.get(i) != null) {
                listeners[i].install(sets.get(i), now);
            }
        }
    }

    /** Starts the ticket key rotation: a check every second on {@code executor}, a rotation when a listener's period has passed. */
    public synchronized void start(EventExecutor executor) {
        if (rotation == null && Arrays.stream(listeners).anyMatch(l -> l != null)) {
            rotation = executor.scheduleAtFixedRate(this::rotateDue, 1, 1, TimeUnit.SECONDS);
        }
    }

    private synchronized void rotateDue() {
        Instant now = clock.instant();
        for (int i = 0; i < listeners.length; i++) {
            TlsListener l = listeners[i];
            if (l == null) {
                continue;
            }
            Duration period = l.current().config().sessionTickets().rotate();
            if (!now.isBefore(rotated[i].plus(period))) {
                l.rotateTickets();
                rotated[i] = now;
            }
        }
    }

    /** Stops the rotation. */
    public synchronized void stop() {
        if (rotation != null) {
            rotation.cancel(false);
            rotation = null;
        }
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
