package dev.gatehouse.server.admin;

import dev.gatehouse.core.api.ListenerView;
import dev.gatehouse.core.state.ChangeRejected;
import java.util.List;

/**
 * What the admin API reads and does about the node's listeners and their TLS: the listener views
 * of {@code GET /api/v1/node}, and {@code POST /api/v1/tls/reload}.
 */
public interface TlsAdmin {

    /** A node without listener views, whose TLS reload has nothing to do. */
    TlsAdmin NONE = new TlsAdmin() {
        @Override
        public List<ListenerView> listeners() {
            return List.of();
        }

        @Override
        public List<String> reloadCertificates(String who) {
            return List.of();
        }
    };

    /** Every client listener, in config order. */
    List<ListenerView> listeners();

    /**
     * Reads every TLS listener's certificate files again and, when all of them are good, swaps
     * them in for new handshakes; open connections keep theirs. Blocks (files): not on an event loop.
     *
     * @param who for the audit log
     * @return one line per certificate now served
     * @throws ChangeRejected when a file is bad; nothing changed
     */
    List<String> reloadCertificates(String who);
}
