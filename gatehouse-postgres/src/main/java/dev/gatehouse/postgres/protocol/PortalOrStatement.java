package dev.gatehouse.postgres.protocol;

/**
 * What a client's Close or Describe names: a prepared statement or a portal.
 *
 * @param kind which of the two
 * @param name its name; empty for the unnamed one
 */
public record PortalOrStatement(Kind kind, String name) {

    /** Statement ({@code 'S'}) or portal ({@code 'P'}). */
    public enum Kind {
        /** A prepared statement, {@code 'S'}. */
        STATEMENT('S'),
        /** A portal, {@code 'P'}. */
        PORTAL('P');

        private final char code;

        Kind(char code) {
            this.code = code;
        }

        /** The kind's byte on the wire. */
        public char code() {
            return code;
        }
    }
}
