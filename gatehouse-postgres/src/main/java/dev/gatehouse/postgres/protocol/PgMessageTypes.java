package dev.gatehouse.postgres.protocol;

/**
 * The type bytes of the protocol v3's typed messages, and which side may send which.
 *
 * <p>Some bytes mean different messages by direction ({@code 'C'} is Close from a client and
 * CommandComplete from a server, {@code 'p'} is whichever password or SASL message the
 * authentication exchange expects); the constants name them by the direction in their names.
 */
public final class PgMessageTypes {

    /** Bind (frontend). */
    public static final char BIND = 'B';
    /** Close (frontend). */
    public static final char CLOSE = 'C';
    /** Describe (frontend). */
    public static final char DESCRIBE = 'D';
    /** Execute (frontend). */
    public static final char EXECUTE = 'E';
    /** Flush (frontend). */
    public static final char FLUSH = 'H';
    /** Parse (frontend). */
    public static final char PARSE = 'P';
    /** PasswordMessage, SASLInitialResponse, SASLResponse or GSSResponse (frontend; by context). */
    public static final char PASSWORD = 'p';
    /** Query (frontend). */
    public static final char QUERY = 'Q';
    /** Sync (frontend). */
    public static final char SYNC = 'S';
    /** Terminate (frontend). */
    public static final char TERMINATE = 'X';

    /** An Authentication request of any kind (backend). */
    public static final char AUTHENTICATION = 'R';
    /** BackendKeyData (backend). */
    public static final char BACKEND_KEY_DATA = 'K';
    /** CommandComplete (backend). */
    public static final char COMMAND_COMPLETE = 'C';
    /** DataRow (backend). */
    public static final char DATA_ROW = 'D';
    /** ErrorResponse (backend). */
    public static final char ERROR_RESPONSE = 'E';
    /** NegotiateProtocolVersion (backend). */
    public static final char NEGOTIATE_PROTOCOL_VERSION = 'v';
    /** NoticeResponse (backend). */
    public static final char NOTICE_RESPONSE = 'N';
    /** ParameterStatus (backend). */
    public static final char PARAMETER_STATUS = 'S';
    /** ReadyForQuery (backend). */
    public static final char READY_FOR_QUERY = 'Z';
    /** RowDescription (backend). */
    public static final char ROW_DESCRIPTION = 'T';

    // Every type byte each side may send (protocol 3.0 and 3.2), CopyData and friends included.
    private static final String FRONTEND = "BCdcfDEHFpPQSX";
    private static final String BACKEND = "RK23CdcGHWDIEVvnNAtS1sZT";

    private static final boolean[] FROM_CLIENT = table(FRONTEND);
    private static final boolean[] FROM_SERVER = table(BACKEND);

    private PgMessageTypes() {
    }

    /** Whether a client may send a typed message of this type byte (0..255). */
    public static boolean isFrontend(int type) {
        return type >= 0 && type < 256 && FROM_CLIENT[type];
    }

    /** Whether a server may send a typed message of this type byte (0..255). */
    public static boolean isBackend(int type) {
        return type >= 0 && type < 256 && FROM_SERVER[type];
    }

    /** The type byte for messages, e.g. {@code 'Q' (0x51)}. */
    static String describe(int type) {
        return type >= 0x21 && type < 0x7f ? "'" + (char) type + "' (0x" + hex(type) + ")" : "0x" + hex(type);
    }

    private static String hex(int type) {
        return String.format("%02x", type);
    }

    private static boolean[] table(String types) {
        boolean[] t = new boolean[256];
        for (int i = 0; i < types.length(); i++) {
            t[types.charAt(i)] = true;
        }
        return t;
    }
}
