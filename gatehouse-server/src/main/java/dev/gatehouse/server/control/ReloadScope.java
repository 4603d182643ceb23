package dev.gatehouse.server.control;

import dev.gatehouse.core.config.GatehouseConfig;
import dev.gatehouse.core.config.ListenerConfig;
import java.util.List;
import java.util.Objects;

/**
 * What a reload applies of an edited configuration: the pools and the listeners' routes and TLS
 * (when the listeners' addresses and TLS on/off are unchanged); every other section stays as it is
 * until a restart, and each that changed gets a note saying so.
 */
final class ReloadScope {

    private ReloadScope() {
    }

    /**
     * The configuration a reload puts in force.
     *
     * @param inForce the configuration in force
     * @param edited  the edited one
     * @param notes   receives a note per change the reload does not apply
     * @throws IllegalArgumentException when the result is not a valid configuration
     */
    static GatehouseConfig applied(GatehouseConfig inForce, GatehouseConfig edited, List<String> notes) {
        GatehouseConfig config = inForce;
        List<ListenerConfig> listenersInForce = config.listeners();
        boolean sameBinds = edited.listeners().size() == listenersInForce.size();
        for (int i = 0; sameBinds && i < listenersInForce.size(); i++) {
            // A listener's TLS is reloadable (certificates, protocols, ciphers...), but not whether it has TLS.
            sameBinds = edited.listeners().get(i).bind().equals(listenersInForce.get(i).bind())
                    && edited.listeners().get(i).isTls() == listenersInForce.get(i).isTls();
        }
        if (!sameBinds) {
            notes.add("listeners: their addresses or TLS on/off changed; a restart applies them (routes and TLS kept as they were)");
        }
        GatehouseConfig applied = new GatehouseConfig(sameBinds ? edited.listeners() : listenersInForce, edited.pools(),
                config.timeouts(), config.limits(), config.upstream(), config.forwarding(), config.accessLog(), config.admin(),
                config.apps(), config.fleet(), config.dns(), config.bodies(), config.tracing(), config.databases());
        note(notes, "timeouts", edited.timeouts(), config.timeouts());
        note(notes, "limits", edited.limits(), config.limits());
        note(notes, "upstream", edited.upstream(), config.upstream());
        note(notes, "forwarding", edited.forwarding(), config.forwarding());
        note(notes, "access_log", edited.accessLog(), config.accessLog());
        note(notes, "admin", edited.admin(), config.admin());
        note(notes, "apps", edited.apps(), config.apps());
        note(notes, "fleet", edited.fleet(), config.fleet());
        note(notes, "dns", edited.dns(), config.dns());
        note(notes, "bodies", edited.bodies(), config.bodies());
        note(notes, "tracing", edited.tracing(), config.tracing());
        note(notes, "databases", edited.databases(), config.databases());
        return applied;
    }

    private static void note(List<String> notes, String section, Object edited, Object inForce) {
        if (!Objects.equals(edited, inForce)) {
            notes.add(section + ": changed; a restart applies it");
        }
    }
}
