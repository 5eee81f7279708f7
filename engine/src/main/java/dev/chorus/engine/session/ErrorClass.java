package dev.chorus.engine.session;

/**
 * The stable error classes of CONTRACT §4. Fatal classes fail the call; non-fatal ones are counted, recorded as a
 * transcript event, and the call goes on. The wire name is what results and thresholds use.
 */
public enum ErrorClass {
    INVALID_URL(true),
    CONNECTION_REFUSED(true),
    DNS_FAILURE(true),
    TLS_FAILURE(true),
    AUTHENTICATION_FAILED(true),
    HTTP_SETUP_FAILED(true),
    HANDSHAKE_TIMEOUT(true),
    MISSING_SESSION_ID(true),
    NO_RESPONSE(true),
    CONNECTION_LOST(true),
    PROTOCOL_ERROR(true),
    INVALID_JSON(false),
    INVALID_AUDIO(false);

    private final boolean fatal;
    private final String wireName;

    ErrorClass(boolean fatal) {
        this.fatal = fatal;
        this.wireName = name().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean fatal() {
        return fatal;
    }

    /** The name used in results, e.g. {@code handshake_timeout}. */
    public String wireName() {
        return wireName;
    }

    public static ErrorClass fromWireName(String name) {
        for (ErrorClass c : values()) {
            if (c.wireName.equals(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown error class '" + name + "'");
    }
}
