package dev.gatehouse.postgres.protocol;

import java.util.List;

/**
 * A server's answer to a startup message that asked for a newer minor version or for protocol
 * options it does not know: the newest minor version it speaks, and the options it ignored.
 *
 * @param newestMinorVersion the newest 3.x minor version supported, e.g. 0
 * @param unrecognizedOptions the {@code _pq_.} options not recognized, in order
 */
public record NegotiateProtocolVersion(int newestMinorVersion, List<String> unrecognizedOptions) {

    /** Copies the options. */
    public NegotiateProtocolVersion {
        unrecognizedOptions = List.copyOf(unrecognizedOptions);
    }
}
