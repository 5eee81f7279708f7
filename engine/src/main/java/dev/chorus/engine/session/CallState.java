package dev.chorus.engine.session;

/** The states of one call, in order; any state may move to {@link #FAILED}. */
public enum CallState {
    CONNECTING, TLS, UPGRADING, AWAITING_READY, STREAMING, CLOSING, DONE, FAILED;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
